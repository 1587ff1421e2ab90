package io.httpsentinel.resilience;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.Internal;

/**
 * The backend a stream's connections went to last, carried as a request attribute by
 * every connection of one SSE stream: a reconnection (a resume after the stream broke)
 * goes to another backend when there is one, as a retry would.
 */
@Internal
public final class BackendAffinity {

	/**
	 * The request attribute holding a stream's affinity.
	 */
	public static final String ATTRIBUTE = BackendAffinity.class.getName();

	private volatile @Nullable Backend last;

	@Nullable Backend last() {
		return this.last;
	}

	void connectedTo(Backend backend) {
		this.last = backend;
	}

}
