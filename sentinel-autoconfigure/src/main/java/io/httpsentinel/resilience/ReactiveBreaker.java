package io.httpsentinel.resilience;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;

/**
 * Spring Cloud CircuitBreaker around each reactive attempt, up to its response headers:
 * fails fast with {@link CircuitOpenException} while open, and records the attempt's
 * outcome on the client's Resilience4j instance (the one {@link ClientCircuitBreaker}
 * reads).
 */
final class ReactiveBreaker {

	/** Context key of the attempt the breaker protects. */
	private static final Object ATTEMPT = new Object();

	/** Lets every attempt through untouched. */
	static final ReactiveBreaker NONE = new ReactiveBreaker();

	/**
	 * The breaker's operators, assembled once. Spring Cloud's {@code run} looks the
	 * Resilience4j instance up in its registry, applies its customizer and assembles its
	 * operators on every call, all from configuration that never changes; only the
	 * subscription (the permission check and the outcome) is per call. So the client
	 * assembles {@code run} once around a placeholder that subscribes to the attempt
	 * handed over in the subscriber's context.
	 */
	private final @Nullable Mono<Object> protectedAttempt;

	private ReactiveBreaker() {
		this.protectedAttempt = null;
	}

	/**
	 * Assemble a client's breaker.
	 * @param clientName the client name
	 * @param breaker the breaker made by Spring Cloud's factory for the client
	 */
	ReactiveBreaker(String clientName, ReactiveCircuitBreaker breaker) {
		// Rethrows (translated): Spring Cloud's default would wrap every error.
		Function<Throwable, Mono<Object>> rethrow = (error) -> Mono
			.error(ClientCircuitBreaker.translate(clientName, error));
		this.protectedAttempt = breaker.run(Mono.deferContextual(ReactiveBreaker::attempt), rethrow);
	}

	private static Mono<Object> attempt(ContextView context) {
		return context.get(ATTEMPT);
	}

	/**
	 * Protect one attempt: fails fast with {@link CircuitOpenException} while open, and
	 * records the attempt's outcome when it completes (for a response, when its headers
	 * arrive).
	 * @param <T> the result type
	 * @param attempt the attempt
	 * @return the protected attempt
	 */
	<T> Mono<T> protect(Mono<T> attempt) {
		if (this.protectedAttempt == null) {
			return attempt;
		}
		@SuppressWarnings("unchecked")
		Mono<T> protectedAttempt = (Mono<T>) this.protectedAttempt.contextWrite(Context.of(ATTEMPT, attempt));
		return protectedAttempt;
	}

}
