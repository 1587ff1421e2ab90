package io.httpsentinel.resilience;

import java.util.List;

import reactor.core.publisher.Flux;

import io.httpsentinel.Internal;

/**
 * Where a client's backends come from: its fixed {@code endpoints}, or a service that
 * Spring Cloud LoadBalancer resolves ({@code lb://service}).
 */
@Internal
public interface BackendSource {

	/**
	 * The backends: the first list as soon as known, then each new list when it changes.
	 * The client subscribes once, when it is made, and cancels when it is closed; a
	 * source that completes leaves its last list in place, and one that fails is logged
	 * and leaves its last list in place too.
	 * @return the lists of backends
	 */
	Flux<List<BackendEndpoint>> endpoints();

	/**
	 * How the backends are found, for monitoring and messages: {@code endpoints}, or the
	 * service's {@code lb://} URL.
	 * @return the description
	 */
	String description();

	/**
	 * Fixed backends.
	 * @param endpoints the backends
	 * @return the source
	 */
	static BackendSource fixed(List<BackendEndpoint> endpoints) {
		List<BackendEndpoint> copy = List.copyOf(endpoints);
		return new BackendSource() {

			@Override
			public Flux<List<BackendEndpoint>> endpoints() {
				return Flux.just(copy);
			}

			@Override
			public String description() {
				return "endpoints";
			}

		};
	}

}
