package io.httpsentinel.resilience;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.Internal;

/**
 * The resilience state of one client, shared by all its calls: retry policy and budget,
 * circuit breaker, rate limiter, host pause and statistics. Made by
 * {@link ResilienceSupport#create}; outside this package only its chosen views are
 * visible (the breaker's state, the host pause, the statistics, the rate limiter's
 * permits), not the engine parts.
 */
@Internal
public final class ClientResilience {

	private final RetryPolicy retryPolicy;

	private final RetryBudget retryBudget;

	private final ClientCircuitBreaker circuitBreaker;

	private final RateLimiter rateLimiter;

	private final HostPauseView hostPause;

	private final PipelineStatistics statistics;

	private final @Nullable SharedRateLimitView sharedRateLimit;

	private final @Nullable Backends backends;

	ClientResilience(RetryPolicy retryPolicy, RetryBudget retryBudget, ClientCircuitBreaker circuitBreaker,
			RateLimiter rateLimiter, HostPauseView hostPause, PipelineStatistics statistics,
			@Nullable SharedRateLimitView sharedRateLimit, @Nullable Backends backends) {
		this.retryPolicy = retryPolicy;
		this.retryBudget = retryBudget;
		this.circuitBreaker = circuitBreaker;
		this.rateLimiter = rateLimiter;
		this.hostPause = hostPause;
		this.statistics = statistics;
		this.sharedRateLimit = sharedRateLimit;
		this.backends = backends;
	}

	/**
	 * The backends of a client with several, for monitoring.
	 * @return the backends, or empty when the client has one base URL
	 */
	public Optional<BackendsView> backends() {
		return Optional.ofNullable(this.backends);
	}

	/**
	 * The backends the pipeline chooses from, or {@code null} for one base URL.
	 */
	@Nullable Backends backendChoice() {
		return this.backends;
	}

	/**
	 * Stop what the client's resilience state runs in the background (discovery of its
	 * backends). Called when the client is closed.
	 */
	public void close() {
		if (this.backends != null) {
			this.backends.close();
		}
	}

	/**
	 * Adaptive pacing from the provider's rate-limit headers, for monitoring.
	 * @return the pacing, or empty when {@code rate-limit.adaptive} is off
	 */
	public Optional<AdaptivePacingView> adaptivePacing() {
		return (this.rateLimiter instanceof AdaptivePacingView pacing) ? Optional.of(pacing) : Optional.empty();
	}

	/**
	 * The rate limit shared through Redis, for monitoring.
	 * @return the shared limit, or empty when the client's limit is kept in this process
	 */
	public Optional<SharedRateLimitView> sharedRateLimit() {
		return Optional.ofNullable(this.sharedRateLimit);
	}

	/**
	 * The circuit breaker's state, for monitoring and operators.
	 * @return the breaker (possibly disabled)
	 */
	public CircuitBreakerView circuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * The host pause.
	 * @return the pause
	 */
	public HostPauseView hostPause() {
		return this.hostPause;
	}

	/**
	 * What the pipeline counted, live.
	 * @return the statistics
	 */
	public PipelineStatistics statistics() {
		return this.statistics;
	}

	/**
	 * Requests that may start now without waiting for the rate limiter.
	 * @return available permits, or {@code -1} when the client has no rate limit
	 */
	public long availableRateLimitPermits() {
		return this.rateLimiter.availablePermits();
	}

	RetryPolicy retryPolicy() {
		return this.retryPolicy;
	}

	RetryBudget retryBudget() {
		return this.retryBudget;
	}

	ClientCircuitBreaker breaker() {
		return this.circuitBreaker;
	}

	/**
	 * The rate limiter, for monitoring (a shared limiter tells whether it fell back).
	 * @return the limiter ({@link RateLimiter#UNLIMITED} when the client has none)
	 */
	public RateLimiter rateLimiter() {
		return this.rateLimiter;
	}

}
