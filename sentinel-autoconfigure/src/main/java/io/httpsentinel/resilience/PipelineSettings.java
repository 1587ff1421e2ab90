package io.httpsentinel.resilience;

import java.time.Duration;

import org.springframework.util.unit.DataSize;

import io.httpsentinel.Internal;
import io.httpsentinel.client.pool.TimeoutSettings;

/**
 * What the resilience pipeline of one client reads from its resolved settings, and
 * nothing more: the pipeline does not know the client's pool, TLS or logging.
 *
 * @param retry retries, backoff and budget
 * @param circuitBreaker the breaker
 * @param rateLimit the client-side rate limit
 * @param timeouts the total timeout and the per-attempt timeouts (an attempt's longest
 * possible duration is derived from them)
 * @param pendingAcquireTimeout longest wait for a pooled connection, part of an attempt's
 * longest duration
 * @param maxResponseSize largest body buffered in memory
 */
@Internal
public record PipelineSettings(RetrySettings retry, CircuitBreakerSettings circuitBreaker, RateLimitSettings rateLimit,
		TimeoutSettings timeouts, Duration pendingAcquireTimeout, DataSize maxResponseSize) {

}
