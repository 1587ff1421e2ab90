package io.httpsentinel.resilience;

import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;

/**
 * Spring Cloud CircuitBreaker around each reactive attempt, up to its response headers:
 * fails fast with {@link CircuitOpenException} while open, and records the attempt's
 * outcome on the client's Resilience4j instance (the one {@link ClientCircuitBreaker}
 * reads).
 * <p>
 * When Spring Cloud's {@code run} assembles nothing but Resilience4j's own breaker
 * operator (no time limiter, no bulkhead: Sentinel's configuration), each attempt goes
 * through {@link MonoBreaker} instead, which does exactly what that operator does on the
 * same instance, in one subscriber. Otherwise each attempt goes through what Spring Cloud
 * assembled.
 */
final class ReactiveBreaker {

	/** Context key of the attempt the breaker protects. */
	private static final Object ATTEMPT = new Object();

	/** Resilience4j's reactive breaker operator, the one Spring Cloud applies. */
	private static final String RESILIENCE4J_OPERATOR = "io.github.resilience4j.reactor.circuitbreaker.operator.MonoCircuitBreaker";

	/** Lets every attempt through untouched. */
	static final ReactiveBreaker NONE = new ReactiveBreaker("", null, null);

	private final String clientName;

	/**
	 * The instance every attempt asks directly, when Spring Cloud adds nothing else.
	 */
	private final @Nullable CircuitBreaker direct;

	/**
	 * Spring Cloud's operators otherwise, assembled once. Spring Cloud's {@code run}
	 * looks the Resilience4j instance up in its registry, applies its customizer and
	 * assembles its operators on every call, all from configuration that never changes;
	 * only the subscription (the permission check and the outcome) is per call. So the
	 * client assembles {@code run} once around a placeholder that subscribes to the
	 * attempt handed over in the subscriber's context.
	 */
	private final @Nullable Mono<Object> protectedAttempt;

	private ReactiveBreaker(String clientName, @Nullable CircuitBreaker direct,
			@Nullable Mono<Object> protectedAttempt) {
		this.clientName = clientName;
		this.direct = direct;
		this.protectedAttempt = protectedAttempt;
	}

	/**
	 * Assemble a client's breaker.
	 * @param clientName the client name
	 * @param breaker the breaker made by Spring Cloud's factory for the client
	 * @param instance the Resilience4j instance Spring Cloud's breaker runs on
	 * @return the client's breaker for Reactor
	 */
	static ReactiveBreaker assemble(String clientName, ReactiveCircuitBreaker breaker, CircuitBreaker instance) {
		Mono<Object> placeholder = Mono.deferContextual(ReactiveBreaker::attempt);
		// No fallback: Spring Cloud adds none, and the one below rethrows (translated).
		Mono<Object> assembled = breaker.run(placeholder, null);
		if (isOnlyResilience4jOperator(assembled, placeholder)) {
			return new ReactiveBreaker(clientName, instance, null);
		}
		// Rethrows (translated): Spring Cloud's default would wrap every error.
		Function<Throwable, Mono<Object>> rethrow = (error) -> Mono
			.error(ClientCircuitBreaker.translate(clientName, error));
		return new ReactiveBreaker(clientName, null, assembled.onErrorResume(rethrow));
	}

	/**
	 * Whether Spring Cloud put Resilience4j's breaker operator right around the source
	 * and nothing else (no time limiter, no bulkhead, no assembly hook).
	 */
	private static boolean isOnlyResilience4jOperator(Mono<Object> assembled, Mono<Object> source) {
		return assembled.getClass().getName().equals(RESILIENCE4J_OPERATOR)
				&& Scannable.from(assembled).scanUnsafe(Scannable.Attr.PARENT) == source;
	}

	private static Mono<Object> attempt(ContextView context) {
		return context.get(ATTEMPT);
	}

	/**
	 * Whether attempts go through Resilience4j's instance directly rather than through
	 * Spring Cloud's operators.
	 * @return {@code true} for the direct path
	 */
	boolean isDirect() {
		return this.direct != null;
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
		if (this.direct != null) {
			return new MonoBreaker<>(attempt, this.direct, this.clientName);
		}
		if (this.protectedAttempt == null) {
			return attempt;
		}
		@SuppressWarnings("unchecked")
		Mono<T> protectedAttempt = (Mono<T>) this.protectedAttempt.contextWrite(Context.of(ATTEMPT, attempt));
		return protectedAttempt;
	}

}
