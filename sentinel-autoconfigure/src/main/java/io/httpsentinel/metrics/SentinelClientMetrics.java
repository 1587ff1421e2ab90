package io.httpsentinel.metrics;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.resilience.HostPauseView;
import io.httpsentinel.resilience.PipelineStatistics;
import io.httpsentinel.resilience.RetryReason;
import io.httpsentinel.resilience.AdaptivePacingView;
import io.httpsentinel.resilience.SharedRateLimitView;

/**
 * {@code sentinel.client.*} meters: what only Sentinel knows about each client (retries
 * by reason, the retry budget, rate-limit waits and refusals, host pauses), tagged
 * {@code client}; for a client with several backends, {@code sentinel.client.backend.*}
 * per backend, tagged {@code backend} too (its address, from the configured or discovered
 * set only). Every meter reads counters the pipeline keeps anyway, so Micrometer adds
 * nothing to a call; tags come from fixed sets, never from a URI.
 * <p>
 * Requests, latency and status are in {@code http.client.requests}, the pool in
 * {@code reactor.netty.connection.provider.*} ({@link SentinelPoolMetrics}), the breaker
 * in Resilience4j's {@code resilience4j.circuitbreaker.*} (including the calls it
 * refused): not repeated here.
 */
public final class SentinelClientMetrics implements MeterBinder {

	/** Tag naming the client. */
	public static final String CLIENT_TAG = "client";

	private static final String PREFIX = "sentinel.client.";

	private final Iterable<SentinelClient> clients;

	/**
	 * Create a binder for clients.
	 * @param clients the clients
	 */
	public SentinelClientMetrics(Iterable<SentinelClient> clients) {
		this.clients = clients;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (SentinelClient client : this.clients) {
			bind(registry, client.name(), client.pipelineStatistics(), client.hostPause());
			client.sharedRateLimit().ifPresent((shared) -> bindShared(registry, client.name(), shared));
			client.adaptivePacing().ifPresent((pacing) -> bindPacing(registry, client.name(), pacing));
			client.backends()
				.ifPresent((backends) -> BackendMeters.bind(registry, Tags.of(CLIENT_TAG, client.name()), backends));
		}
	}

	private void bind(MeterRegistry registry, String name, PipelineStatistics statistics, HostPauseView hostPause) {
		Tags tags = Tags.of(CLIENT_TAG, name);
		for (RetryReason reason : RetryReason.values()) {
			FunctionCounter.builder(PREFIX + "retries", statistics, (counted) -> counted.retries(reason))
				.description("Retries sent, by reason")
				.baseUnit("retries")
				.tags(tags)
				.tag("reason", reason.tag())
				.register(registry);
		}
		FunctionCounter.builder(PREFIX + "retry.budget.exhausted", statistics, PipelineStatistics::retryBudgetExhausted)
			.description("Calls refused a retry because the retry budget was spent; they got their last outcome")
			.baseUnit("calls")
			.tags(tags)
			.register(registry);
		FunctionTimer
			.builder(PREFIX + "rate.limit.waits", statistics, PipelineStatistics::rateLimitWaits,
					(counted) -> counted.rateLimitWaitTime(TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS)
			.description("Attempts that waited for the rate limiter, and how long")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder(PREFIX + "rate.limit.rejected", statistics, PipelineStatistics::rateLimitRejections)
			.description("Calls failed at once because the rate limiter would have made them wait too long")
			.baseUnit("calls")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder(PREFIX + "host.pauses", statistics, PipelineStatistics::hostPauses)
			.description("Responses whose Retry-After (longer than retry.max-retry-after) paused every caller")
			.baseUnit("pauses")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder(PREFIX + "host.pause.rejected", statistics, PipelineStatistics::hostPauseRejections)
			.description("Calls failed at once because the host was paused")
			.baseUnit("calls")
			.tags(tags)
			.register(registry);
		Gauge.builder(PREFIX + "host.paused.until", hostPause, SentinelClientMetrics::pausedUntil)
			.description("End of the host pause, in seconds since the epoch; 0 when not paused")
			.baseUnit("seconds")
			.tags(tags)
			.register(registry);
	}

	private void bindShared(MeterRegistry registry, String name, SharedRateLimitView shared) {
		Tags tags = Tags.of(CLIENT_TAG, name);
		FunctionCounter.builder(PREFIX + "rate.limit.redis.fallbacks", shared, SharedRateLimitView::fallbacks)
			.description("Times the shared rate limit fell back to rate-limit.redis.on-failure because Redis "
					+ "did not answer")
			.baseUnit("fallbacks")
			.tags(tags)
			.register(registry);
		FunctionCounter
			.builder(PREFIX + "rate.limit.redis.fallback.requests", shared, SharedRateLimitView::fallbackRequests)
			.description("Requests decided by rate-limit.redis.on-failure instead of the shared rate limit")
			.baseUnit("requests")
			.tags(tags)
			.register(registry);
		Gauge
			.builder(PREFIX + "rate.limit.redis.falling.back", shared,
					(view) -> view.fallingBackSince().isPresent() ? 1 : 0)
			.description("1 while the shared rate limit falls back because Redis does not answer, else 0")
			.tags(tags)
			.register(registry);
	}

	private void bindPacing(MeterRegistry registry, String name, AdaptivePacingView pacing) {
		Tags tags = Tags.of(CLIENT_TAG, name);
		FunctionCounter.builder(PREFIX + "rate.limit.adaptive.paced", pacing, AdaptivePacingView::pacedRequests)
			.description("Requests adaptive pacing made wait for their slot")
			.baseUnit("requests")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder(PREFIX + "rate.limit.adaptive.refused", pacing, AdaptivePacingView::refusedRequests)
			.description("Requests adaptive pacing refused because their slot lay beyond rate-limit.max-wait")
			.baseUnit("requests")
			.tags(tags)
			.register(registry);
		Gauge.builder(PREFIX + "rate.limit.adaptive.share", pacing, AdaptivePacingView::share)
			.description("Share of the provider's quota this replica paces by: 1 alone on it, less once "
					+ "429s show that others spend it too")
			.tags(tags)
			.register(registry);
	}

	private static double pausedUntil(HostPauseView pause) {
		return pause.pausedUntil().map((until) -> until.toEpochMilli() / 1000.0).orElse(0.0);
	}

}
