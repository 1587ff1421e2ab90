package io.httpsentinel.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Circuit breaker (Spring Cloud CircuitBreaker with Resilience4j), one per client. It
 * counts 5xx responses, timeouts and connection failures, never 4xx or 429.
 */
public class CircuitBreakerProperties {

	/**
	 * Whether the client has a circuit breaker.
	 */
	private @Nullable Boolean enabled;

	/**
	 * Failure rate, in percent, at which the breaker opens.
	 */
	private @Nullable Float failureRateThreshold;

	/**
	 * Time window over which the failure rate is computed. Defaults to 30s or twice
	 * 'timeouts.response-headers', whichever is longer; must be at least twice
	 * 'timeouts.response-headers'.
	 */
	private @Nullable Duration slidingWindow;

	/**
	 * Calls needed in the window before the failure rate counts.
	 */
	private @Nullable Integer minimumCalls;

	/**
	 * How long the breaker stays open before letting probe calls through.
	 */
	private @Nullable Duration waitInOpen;

	/**
	 * Factor applied to 'wait-in-open' each time the breaker opens again right after
	 * probing; 1 keeps it constant.
	 */
	private @Nullable Double waitMultiplier;

	/**
	 * Longest wait in the open state when it grows.
	 */
	private @Nullable Duration maxWaitInOpen;

	/**
	 * Probe calls let through in the half-open state.
	 */
	private @Nullable Integer halfOpenCalls;

	/**
	 * Longest time in the half-open state before the breaker opens again.
	 */
	private @Nullable Duration maxWaitInHalfOpen;

	public @Nullable Boolean getEnabled() {
		return this.enabled;
	}

	public void setEnabled(@Nullable Boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Float getFailureRateThreshold() {
		return this.failureRateThreshold;
	}

	public void setFailureRateThreshold(@Nullable Float failureRateThreshold) {
		this.failureRateThreshold = failureRateThreshold;
	}

	public @Nullable Duration getSlidingWindow() {
		return this.slidingWindow;
	}

	public void setSlidingWindow(@Nullable Duration slidingWindow) {
		this.slidingWindow = slidingWindow;
	}

	public @Nullable Integer getMinimumCalls() {
		return this.minimumCalls;
	}

	public void setMinimumCalls(@Nullable Integer minimumCalls) {
		this.minimumCalls = minimumCalls;
	}

	public @Nullable Duration getWaitInOpen() {
		return this.waitInOpen;
	}

	public void setWaitInOpen(@Nullable Duration waitInOpen) {
		this.waitInOpen = waitInOpen;
	}

	public @Nullable Double getWaitMultiplier() {
		return this.waitMultiplier;
	}

	public void setWaitMultiplier(@Nullable Double waitMultiplier) {
		this.waitMultiplier = waitMultiplier;
	}

	public @Nullable Duration getMaxWaitInOpen() {
		return this.maxWaitInOpen;
	}

	public void setMaxWaitInOpen(@Nullable Duration maxWaitInOpen) {
		this.maxWaitInOpen = maxWaitInOpen;
	}

	public @Nullable Integer getHalfOpenCalls() {
		return this.halfOpenCalls;
	}

	public void setHalfOpenCalls(@Nullable Integer halfOpenCalls) {
		this.halfOpenCalls = halfOpenCalls;
	}

	public @Nullable Duration getMaxWaitInHalfOpen() {
		return this.maxWaitInHalfOpen;
	}

	public void setMaxWaitInHalfOpen(@Nullable Duration maxWaitInHalfOpen) {
		this.maxWaitInHalfOpen = maxWaitInHalfOpen;
	}

}
