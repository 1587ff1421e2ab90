package io.httpsentinel.resilience;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;

import io.httpsentinel.client.CircuitOpenException;
import io.httpsentinel.client.ReadIdleTimeoutException;

/**
 * A client's circuit breaker: Spring Cloud CircuitBreaker around each attempt, up to its
 * response headers, plus the underlying Resilience4j instance for its state and for
 * failures that happen later, in the middle of a streamed body.
 */
public final class ClientCircuitBreaker {

	private static final ClientCircuitBreaker DISABLED = new ClientCircuitBreaker("", null, null);

	private final String clientName;

	private final @Nullable ReactiveCircuitBreaker breaker;

	private final @Nullable CircuitBreaker state;

	/** Rethrows (translated): Spring Cloud's default would wrap every error. */
	private final Function<Throwable, Mono<Object>> rethrow = (error) -> Mono.error(translate(error));

	private ClientCircuitBreaker(String clientName, @Nullable ReactiveCircuitBreaker breaker,
			@Nullable CircuitBreaker state) {
		this.clientName = clientName;
		this.breaker = breaker;
		this.state = state;
	}

	/**
	 * Wrap a breaker made by Spring Cloud CircuitBreaker.
	 * @param clientName the client name
	 * @param breaker the breaker made by the factory
	 * @param state the Resilience4j instance behind it
	 * @return the client's breaker
	 */
	public static ClientCircuitBreaker of(String clientName, ReactiveCircuitBreaker breaker, CircuitBreaker state) {
		return new ClientCircuitBreaker(clientName, breaker, state);
	}

	/**
	 * A breaker that lets everything through.
	 * @return the disabled breaker
	 */
	public static ClientCircuitBreaker disabled() {
		return DISABLED;
	}

	/**
	 * Protect one attempt: fails fast with {@link CircuitOpenException} while open, and
	 * records the attempt's outcome when it completes (for a response, when its headers
	 * arrive).
	 * @param <T> the result type
	 * @param attempt the attempt
	 * @return the protected attempt
	 */
	public <T> Mono<T> protect(Mono<T> attempt) {
		if (this.breaker == null) {
			return attempt;
		}
		@SuppressWarnings({ "unchecked", "rawtypes" })
		Function<Throwable, Mono<T>> fallback = (Function) this.rethrow;
		return this.breaker.run(attempt, fallback);
	}

	private Throwable translate(Throwable error) {
		return (error instanceof CallNotPermittedException) ? new CircuitOpenException(this.clientName, error) : error;
	}

	/**
	 * Record a failure of a response body after its headers arrived (the attempt itself
	 * was recorded as a success then). A stream's length never counts; its breaking off
	 * does.
	 * @param error the body's error
	 */
	public void recordBodyFailure(Throwable error) {
		if (this.state != null && (error instanceof ReadIdleTimeoutException
				|| FailureKind.of(error) == FailureKind.RESET_BEFORE_RESPONSE)) {
			this.state.onError(0, TimeUnit.NANOSECONDS, error);
		}
	}

	/**
	 * The Resilience4j instance, for state and metrics.
	 * @return the instance, or {@code null} when the breaker is disabled
	 */
	public @Nullable CircuitBreaker state() {
		return this.state;
	}

}
