package io.httpsentinel.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import reactor.netty.Metrics;
import reactor.netty.resources.ConnectionPoolMetrics;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.pool.PoolStatistics;
import io.httpsentinel.client.pool.PoolStatistics.Pool;

/**
 * Reactor Netty's connection pool meters for the clients' pools, registered in the given
 * registry. Sentinel feeds each pool's figures to its own registrar (for
 * {@code SentinelClient.pool()}), so Reactor Netty does not register its gauges; and when
 * it does, it registers them in Micrometer's global registry, which reaches Spring Boot's
 * only while {@code management.metrics.use-global-registry} is on. This binder registers
 * the same gauges — same names, same tags ({@code id}, {@code name} =
 * {@code sentinel-<client>}, {@code remote.address}) — directly in the registry it is
 * bound to, one set per remote address, added and removed as Reactor Netty creates and
 * disposes the pools.
 * <p>
 * Reactor Netty's {@code pending.connections.time} timer is not among them: it is
 * recorded only by Reactor Netty's own registrar.
 */
public final class SentinelPoolMetrics implements MeterBinder {

	private final Iterable<SentinelClient> clients;

	/**
	 * Create a binder for clients.
	 * @param clients the clients
	 */
	public SentinelPoolMetrics(Iterable<SentinelClient> clients) {
		this.clients = clients;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (SentinelClient client : this.clients) {
			client.poolStatistics().addListener(new Registrar(registry));
		}
	}

	/**
	 * Registers the gauges of each pool in one registry, and removes them with the pool.
	 */
	private static final class Registrar implements PoolStatistics.Listener {

		private final MeterRegistry registry;

		private final Map<Pool, List<Meter>> meters = new ConcurrentHashMap<>();

		Registrar(MeterRegistry registry) {
			this.registry = registry;
		}

		@Override
		public void added(Pool pool) {
			Tags tags = Tags.of(Metrics.ID, pool.id(), Metrics.NAME, pool.name(), Metrics.REMOTE_ADDRESS,
					Metrics.formatSocketAddress(pool.remoteAddress()));
			ConnectionPoolMetrics metrics = pool.metrics();
			this.meters.put(pool,
					List.of(gauge(Metrics.TOTAL_CONNECTIONS, "Connections open: active, idle or being opened", metrics,
							ConnectionPoolMetrics::allocatedSize, tags),
							gauge(Metrics.ACTIVE_CONNECTIONS, "Connections in use by a request", metrics,
									ConnectionPoolMetrics::acquiredSize, tags),
							gauge(Metrics.IDLE_CONNECTIONS, "Connections open and waiting for a request", metrics,
									ConnectionPoolMetrics::idleSize, tags),
							gauge(Metrics.PENDING_CONNECTIONS, "Requests waiting for a connection", metrics,
									ConnectionPoolMetrics::pendingAcquireSize, tags),
							gauge(Metrics.MAX_CONNECTIONS, "Most connections the pool may open", metrics,
									ConnectionPoolMetrics::maxAllocatedSize, tags),
							gauge(Metrics.MAX_PENDING_CONNECTIONS, "Most requests that may wait for a connection",
									metrics, ConnectionPoolMetrics::maxPendingAcquireSize, tags)));
		}

		@Override
		public void removed(Pool pool) {
			List<Meter> removed = this.meters.remove(pool);
			if (removed != null) {
				removed.forEach(this.registry::remove);
			}
		}

		private Meter gauge(String suffix, String description, ConnectionPoolMetrics metrics,
				ToDoubleFunction<ConnectionPoolMetrics> value, Tags tags) {
			return Gauge.builder(Metrics.CONNECTION_PROVIDER_PREFIX + suffix, metrics, value)
				.description(description)
				.baseUnit("connections")
				.tags(tags)
				.register(this.registry);
		}

	}

}
