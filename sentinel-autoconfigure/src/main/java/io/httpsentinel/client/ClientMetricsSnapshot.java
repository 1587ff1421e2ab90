package io.httpsentinel.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

import io.httpsentinel.client.pool.PoolStatistics;
import io.httpsentinel.client.pool.PoolStatistics.PoolSnapshot;
import io.httpsentinel.resilience.BackendView;
import io.httpsentinel.resilience.BackendsView;
import io.httpsentinel.resilience.CircuitBreakerView;
import io.httpsentinel.resilience.ClientResilience;
import io.httpsentinel.resilience.PipelineStatistics;

/**
 * What one client has been doing, at one moment: {@link SentinelClient#metrics()}.
 * Counted by the client itself, so it needs no Micrometer; the same counters back the
 * {@code sentinel.client.*} meters when Micrometer is there.
 *
 * @param client the client name
 * @param totals counts since the client was created
 * @param latency latency of the calls of the last minute
 * @param pool the connection pool now
 * @param breaker the circuit breaker now
 * @param rateLimit the rate limiter and the host pause now
 * @param backends each backend of a client with several ({@code endpoints} or
 * {@code lb://}): its counts and its ejection now; empty for a client with one base URL
 */
public record ClientMetricsSnapshot(String client, Totals totals, Latency latency, Pool pool, Breaker breaker,
		RateLimit rateLimit, List<BackendView> backends) {

	static ClientMetricsSnapshot of(String client, ClientResilience resilience, PoolStatistics poolStatistics,
			int configuredMaxConnections) {
		PipelineStatistics statistics = resilience.statistics();
		Totals totals = new Totals(statistics.requests(), statistics.successes(), statistics.failures(),
				statistics.retries(), statistics.retryBudgetExhausted(), statistics.rateLimitRejections(),
				statistics.hostPauseRejections());
		PoolSnapshot pool = poolStatistics.snapshot();
		// No pool exists before the first connection: show what it will allow.
		int max = (poolStatistics.maxConnections() > 0) ? poolStatistics.maxConnections() : configuredMaxConnections;
		CircuitBreakerView breaker = resilience.circuitBreaker();
		PipelineStatistics.Latency latency = statistics.latency();
		return new ClientMetricsSnapshot(client, totals,
				new Latency(latency.window(), latency.calls(), latency.mean(), latency.max()),
				new Pool(pool.active(), pool.idle(), pool.pending(), max),
				new Breaker(breaker.state(), breaker.failureRate()),
				new RateLimit(resilience.availableRateLimitPermits(),
						resilience.hostPause().pausedUntil().orElse(null)),
				resilience.backends().map(BackendsView::backends).orElse(List.of()));
	}

	/**
	 * Counts since the client was created. A call is judged when its response headers
	 * arrive: a body that fails later does not change it.
	 *
	 * @param requests calls started
	 * @param successes calls that ended with a status below 400
	 * @param failures calls that ended with a status of 400 or more, or with an error
	 * (local refusals included); {@code requests - successes - failures} are in flight or
	 * were cancelled
	 * @param retries retries sent
	 * @param retryBudgetExhausted retries refused because the retry budget was spent
	 * @param rateLimitRejections attempts refused by the rate limiter
	 * @param hostPauseRejections attempts refused because the host was paused
	 */
	public record Totals(long requests, long successes, long failures, long retries, long retryBudgetExhausted,
			long rateLimitRejections, long hostPauseRejections) {

	}

	/**
	 * Latency of the calls that ended within a recent window, from the start of a call
	 * (retries and waits included) to its outcome.
	 *
	 * @param window how far back the figures reach (at most; the oldest tenth ages out in
	 * steps)
	 * @param calls calls that ended in the window
	 * @param mean their mean latency ({@link Duration#ZERO} without calls)
	 * @param max their longest latency ({@link Duration#ZERO} without calls)
	 */
	public record Latency(Duration window, long calls, Duration mean, Duration max) {

	}

	/**
	 * The connection pool, summed over the remote addresses of the host.
	 *
	 * @param active connections in use by a request
	 * @param idle connections open and waiting for a request
	 * @param pending requests waiting for a connection
	 * @param max most connections the pool may open ({@code pool.max-connections} per
	 * remote address)
	 */
	public record Pool(int active, int idle, int pending, int max) {

	}

	/**
	 * The circuit breaker.
	 *
	 * @param state its state; {@link CircuitBreaker.State#DISABLED} when the client has
	 * no breaker
	 * @param failureRate percentage of failed calls in the sliding window, or {@code -1}
	 * while it holds fewer than {@code circuit-breaker.minimum-calls}
	 */
	public record Breaker(CircuitBreaker.State state, float failureRate) {

	}

	/**
	 * The rate limiter and the host pause.
	 *
	 * @param availablePermits requests that may start now without waiting, or {@code -1}
	 * when the client has no rate limit
	 * @param pausedUntil end of the host pause, or {@code null} when the host is not
	 * paused
	 */
	public record RateLimit(long availablePermits, @Nullable Instant pausedUntil) {

	}

}
