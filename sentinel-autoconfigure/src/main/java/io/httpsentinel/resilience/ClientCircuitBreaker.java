package io.httpsentinel.resilience;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;
import org.springframework.http.HttpStatusCode;

import io.httpsentinel.client.pool.ReadIdleTimeoutException;

/**
 * A client's circuit breaker: Spring Cloud CircuitBreaker around each attempt, up to its
 * response headers, plus the underlying Resilience4j instance for its state and for
 * failures that happen later, in the middle of a streamed body.
 */
final class ClientCircuitBreaker implements CircuitBreakerView {

	/** Context key of the attempt the breaker protects. */
	private static final Object ATTEMPT = new Object();

	private static final ClientCircuitBreaker DISABLED = new ClientCircuitBreaker("", null, null);

	private final String clientName;

	private final @Nullable CircuitBreaker state;

	/**
	 * The breaker's operators, assembled once. Spring Cloud's {@code run} looks the
	 * Resilience4j instance up in its registry, applies its customizer and assembles its
	 * operators on every call, all from configuration that never changes; only the
	 * subscription (the permission check and the outcome) is per call. So the client
	 * assembles {@code run} once around a placeholder that subscribes to the attempt
	 * handed over in the subscriber's context.
	 */
	private final @Nullable Mono<Object> protectedAttempt;

	private ClientCircuitBreaker(String clientName, @Nullable ReactiveCircuitBreaker breaker,
			@Nullable CircuitBreaker state) {
		this.clientName = clientName;
		this.state = state;
		// Rethrows (translated): Spring Cloud's default would wrap every error.
		Function<Throwable, Mono<Object>> rethrow = (error) -> Mono.error(translate(error));
		this.protectedAttempt = (breaker != null)
				? breaker.run(Mono.deferContextual(ClientCircuitBreaker::attempt), rethrow) : null;
	}

	private static Mono<Object> attempt(ContextView context) {
		return context.get(ATTEMPT);
	}

	/**
	 * Wrap a breaker made by Spring Cloud CircuitBreaker.
	 * @param clientName the client name
	 * @param breaker the breaker made by the factory
	 * @param state the Resilience4j instance behind it
	 * @return the client's breaker
	 */
	static ClientCircuitBreaker of(String clientName, ReactiveCircuitBreaker breaker, CircuitBreaker state) {
		return new ClientCircuitBreaker(clientName, breaker, state);
	}

	/**
	 * A breaker that lets everything through.
	 * @return the disabled breaker
	 */
	static ClientCircuitBreaker disabled() {
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
	<T> Mono<T> protect(Mono<T> attempt) {
		if (this.protectedAttempt == null) {
			return attempt;
		}
		@SuppressWarnings("unchecked")
		Mono<T> protectedAttempt = (Mono<T>) this.protectedAttempt.contextWrite(Context.of(ATTEMPT, attempt));
		return protectedAttempt;
	}

	/**
	 * Ask for one attempt to go through, for a transport that does not run attempts as a
	 * {@code Mono} ({@link #protect} asks for the reactive one). A granted permission is
	 * paired with {@link #recordResponse} or {@link #recordError}.
	 * @throws CircuitOpenException while the breaker is open (or half-open and busy)
	 */
	void acquirePermission() {
		if (this.state == null) {
			return;
		}
		try {
			this.state.acquirePermission();
		}
		catch (CallNotPermittedException ex) {
			throw new CircuitOpenException(this.clientName, ex);
		}
	}

	/**
	 * Record the outcome of a permitted attempt that got response headers: a 5xx is a
	 * failure, anything else a success, as for the reactive path.
	 * @param status the response status
	 */
	void recordResponse(int status) {
		if (this.state != null) {
			this.state.onResult(0, TimeUnit.NANOSECONDS, HttpStatusCode.valueOf(status));
		}
	}

	/**
	 * Record the outcome of a permitted attempt that failed without a response: counted
	 * when it says something about the upstream's health, as for the reactive path.
	 * @param error the attempt's error
	 */
	void recordError(Throwable error) {
		if (this.state != null) {
			this.state.onError(0, TimeUnit.NANOSECONDS, error);
		}
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
	void recordBodyFailure(Throwable error) {
		if (this.state != null && (error instanceof ReadIdleTimeoutException
				|| FailureKind.of(error) == FailureKind.RESET_BEFORE_RESPONSE)) {
			this.state.onError(0, TimeUnit.NANOSECONDS, error);
		}
	}

	@Override
	public CircuitBreaker.State state() {
		return (this.state != null) ? this.state.getState() : CircuitBreaker.State.DISABLED;
	}

	@Override
	public float failureRate() {
		return (this.state != null) ? this.state.getMetrics().getFailureRate() : -1;
	}

	@Override
	public void reset() {
		if (this.state != null) {
			this.state.reset();
		}
	}

	@Override
	public @Nullable CircuitBreaker resilience4j() {
		return this.state;
	}

}
