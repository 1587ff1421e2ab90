package io.httpsentinel.resilience;

import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatusCode;

import io.httpsentinel.client.pool.ReadIdleTimeoutException;

/**
 * A client's circuit breaker, without its transport: the Resilience4j instance for its
 * state, for the permission and outcomes of attempts run without Reactor, and for
 * failures that happen after the response headers, in the middle of a streamed body. The
 * reactive path asks through Spring Cloud CircuitBreaker instead
 * ({@link ReactiveBreaker}), on the same instance.
 */
final class ClientCircuitBreaker implements CircuitBreakerView {

	private static final ClientCircuitBreaker DISABLED = new ClientCircuitBreaker("", null);

	private final String clientName;

	private final @Nullable CircuitBreaker state;

	/**
	 * Create a client's breaker.
	 * @param clientName the client name
	 * @param state the Resilience4j instance, or {@code null} for a breaker that lets
	 * everything through
	 */
	ClientCircuitBreaker(String clientName, @Nullable CircuitBreaker state) {
		this.clientName = clientName;
		this.state = state;
	}

	/**
	 * A breaker that lets everything through.
	 * @return the disabled breaker
	 */
	static ClientCircuitBreaker disabled() {
		return DISABLED;
	}

	/**
	 * The error a refused attempt fails with.
	 * @param clientName the client name
	 * @param error an attempt's error
	 * @return {@link CircuitOpenException} for a refusal, the error itself otherwise
	 */
	static Throwable translate(String clientName, Throwable error) {
		return (error instanceof CallNotPermittedException) ? new CircuitOpenException(clientName, error) : error;
	}

	/**
	 * Ask for one attempt to go through, for a transport that does not run attempts as a
	 * {@code Mono} ({@link ReactiveBreaker} asks for the reactive one). A granted
	 * permission is paired with {@link #recordResponse} or {@link #recordError}.
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

	/**
	 * Record a failure of a response body after its headers arrived (the attempt itself
	 * was recorded as a success then). A stream's length never counts; its breaking off
	 * does, unless its caller reconnects it ({@link ReconnectedStream}).
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
