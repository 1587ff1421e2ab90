package io.httpsentinel.resilience;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

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
 * @param baseUrl the client's base URL: requests under it go to the chosen backend when
 * the client has several ({@code null} for none)
 * @param backends the client's backends, when it has several
 */
@Internal
public record PipelineSettings(RetrySettings retry, CircuitBreakerSettings circuitBreaker, RateLimitSettings rateLimit,
		TimeoutSettings timeouts, Duration pendingAcquireTimeout, DataSize maxResponseSize, @Nullable URI baseUrl,
		BackendSettings backends) {

	/**
	 * Settings of a client with one backend, its base URL.
	 * @param retry retries, backoff and budget
	 * @param circuitBreaker the breaker
	 * @param rateLimit the client-side rate limit
	 * @param timeouts the timeouts
	 * @param pendingAcquireTimeout longest wait for a pooled connection
	 * @param maxResponseSize largest body buffered in memory
	 */
	public PipelineSettings(RetrySettings retry, CircuitBreakerSettings circuitBreaker, RateLimitSettings rateLimit,
			TimeoutSettings timeouts, Duration pendingAcquireTimeout, DataSize maxResponseSize) {
		this(retry, circuitBreaker, rateLimit, timeouts, pendingAcquireTimeout, maxResponseSize, null,
				BackendSettings.DEFAULTS);
	}

	/**
	 * Whether the client has several backends: fixed {@code endpoints}, or a base URL
	 * naming a service ({@code lb://}).
	 * @return {@code true} when a backend is chosen per attempt
	 */
	public boolean hasSeveralBackends() {
		return this.backends.hasEndpoints() || BackendSettings.isServiceUrl(this.baseUrl);
	}

}
