package io.httpsentinel.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

/**
 * A client's circuit breaker, as its users see it: its state and failure rate, a reset
 * for operators, and the Resilience4j instance for whoever needs more (events, forced
 * transitions, detailed metrics).
 */
public interface CircuitBreakerView {

	/**
	 * The breaker's state.
	 * @return the state; {@link CircuitBreaker.State#DISABLED} when the client has no
	 * breaker ({@code circuit-breaker.enabled: false})
	 */
	CircuitBreaker.State state();

	/**
	 * Percentage of failed calls in the sliding window.
	 * @return the rate, or {@code -1} while the window holds fewer than
	 * {@code circuit-breaker.minimum-calls} calls or when the client has no breaker
	 */
	float failureRate();

	/**
	 * Close the breaker and clear its failure window; nothing when the client has no
	 * breaker.
	 */
	void reset();

	/**
	 * The Resilience4j instance behind the breaker.
	 * @return the instance, or {@code null} when the client has no breaker
	 */
	@Nullable CircuitBreaker resilience4j();

}
