package io.httpsentinel.resilience;

/**
 * The resilience state of one client, shared by all its calls: retry policy and budget,
 * circuit breaker, rate limiter and host pause.
 *
 * @param retryPolicy decides retries
 * @param retryBudget bounds concurrent retries
 * @param circuitBreaker the breaker (possibly disabled)
 * @param rateLimiter the limiter (possibly unlimited)
 * @param hostPause holds every caller back while the host asked for a pause
 * @param statistics what the pipeline counted (calls, retries, waits, refusals)
 */
public record ClientResilience(RetryPolicy retryPolicy, RetryBudget retryBudget, ClientCircuitBreaker circuitBreaker,
		RateLimiter rateLimiter, HostPauseGate hostPause, PipelineStatistics statistics) {

}
