package io.httpsentinel.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.sse.proxy.SseProxy;
import io.httpsentinel.sse.proxy.SseProxyListener;
import io.httpsentinel.sse.proxy.SseProxyStatistics;

/**
 * The {@code sentinel.sse.*} meters of the streams {@link SseProxy} forwards, tagged
 * {@code client}. Counts come from the proxy's own per-client {@link SseProxyStatistics}
 * (read when the registry is scraped, so forwarding an event costs nothing more); the
 * stream duration and the time to the first event are timers recorded when a stream opens
 * and ends, through the {@link SseProxyListener} this binder also is.
 */
public final class SentinelSseMetrics implements MeterBinder, SseProxyListener {

	private static final String PREFIX = "sentinel.sse.";

	private final Iterable<SentinelClient> clients;

	private final Supplier<@Nullable SseProxy> proxy;

	private volatile @Nullable MeterRegistry registry;

	/**
	 * Create a binder.
	 * @param clients the clients whose streams are metered
	 * @param proxy the proxy, looked up when binding (the proxy itself is built with this
	 * binder as one of its listeners)
	 */
	public SentinelSseMetrics(Iterable<SentinelClient> clients, Supplier<@Nullable SseProxy> proxy) {
		this.clients = clients;
		this.proxy = proxy;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		SseProxy sseProxy = this.proxy.get();
		if (sseProxy == null) {
			return;
		}
		for (SentinelClient client : this.clients) {
			bind(registry, client.name(), sseProxy.statistics(client.name()));
		}
	}

	private void bind(MeterRegistry registry, String client, SseProxyStatistics statistics) {
		Tags tags = Tags.of(SentinelClientMetrics.CLIENT_TAG, client);
		Gauge.builder(PREFIX + "streams.active", statistics, SseProxyStatistics::activeStreams)
			.description("Streams being forwarded now")
			.baseUnit("streams")
			.tags(tags)
			.register(registry);
		counter(registry, "streams.opened", statistics, SseProxyStatistics::streamsOpened,
				"Streams opened: the upstream answered with an event stream", "streams", tags);
		counter(registry, "streams.refused", statistics, SseProxyStatistics::streamsRefused,
				"Streams answered with a status instead (limits, shutdown, upstream errors)", "streams", tags);
		counter(registry, "events", statistics, SseProxyStatistics::eventsForwarded, "Events forwarded", "events",
				tags);
		counter(registry, "bytes", statistics, SseProxyStatistics::bytesForwarded,
				"Bytes forwarded: events, comments and heartbeats", "bytes", tags);
		counter(registry, "heartbeats", statistics, SseProxyStatistics::heartbeats,
				"Heartbeat comments sent while the upstream was silent", "heartbeats", tags);
		counter(registry, "error.events", statistics, SseProxyStatistics::errorEvents,
				"In-band error events sent when an upstream failed after the response was committed", "events", tags);
		counter(registry, "resumes", statistics, SseProxyStatistics::resumes,
				"Resumes of a failed upstream, by outcome", "resumes", tags.and("outcome", "resumed"));
		counter(registry, "resumes", statistics, SseProxyStatistics::resumeAttemptsFailed,
				"Resumes of a failed upstream, by outcome", "resumes", tags.and("outcome", "attempt_failed"));
		counter(registry, "resumes", statistics, SseProxyStatistics::resumesGivenUp,
				"Resumes of a failed upstream, by outcome", "resumes", tags.and("outcome", "gave_up"));
		counter(registry, "slow.clients", statistics, SseProxyStatistics::slowClientPauses,
				"Actions on downstream clients that could not keep up", "actions", tags.and("action", "paused"));
		counter(registry, "slow.clients", statistics, SseProxyStatistics::slowClientDrops,
				"Actions on downstream clients that could not keep up", "actions", tags.and("action", "dropped"));
	}

	private static void counter(MeterRegistry registry, String name, SseProxyStatistics statistics,
			ToDoubleFunction<SseProxyStatistics> count, String description, String unit, Tags tags) {
		FunctionCounter.builder(PREFIX + name, statistics, count)
			.description(description)
			.baseUnit(unit)
			.tags(tags)
			.register(registry);
	}

	@Override
	public void firstEvent(String client, Duration timeToFirstEvent) {
		MeterRegistry meters = this.registry;
		if (meters != null) {
			Timer.builder(PREFIX + "time.to.first.event")
				.description("From the downstream request to the first event forwarded")
				.tag(SentinelClientMetrics.CLIENT_TAG, client)
				.register(meters)
				.record(timeToFirstEvent);
		}
	}

	@Override
	public void streamClosed(String client, StreamEnd end, Duration duration, long events, long bytes) {
		MeterRegistry meters = this.registry;
		if (meters != null) {
			Timer.builder(PREFIX + "stream.duration")
				.description("How long streams were open, by how they ended")
				.tag(SentinelClientMetrics.CLIENT_TAG, client)
				.tag("end", end.name().toLowerCase(Locale.ROOT))
				.register(meters)
				.record(duration);
		}
	}

}
