package io.httpsentinel.resilience;

import java.util.Map;

import io.httpsentinel.Internal;

/**
 * Marks each connection of an event stream that its caller reconnects when it breaks off
 * (the proxy's resume, the reconnecting reader). The circuit breaker then does not count
 * the break itself: the reconnect is a call of its own, and its outcome says whether the
 * host is healthy. Counting the breaks too would open the breaker whenever many
 * long-lived streams are cut at once (a deploy, a proxy's connection age limit), with no
 * success left in its window to weigh against them, and hold off the reconnects of a host
 * that answers them.
 */
@Internal
public final class ReconnectedStream {

	/**
	 * The request attribute, set to {@link Boolean#TRUE}.
	 */
	public static final String ATTRIBUTE = ReconnectedStream.class.getName();

	private ReconnectedStream() {
	}

	static boolean isMarked(Map<String, Object> attributes) {
		return attributes.get(ATTRIBUTE) == Boolean.TRUE;
	}

}
