package io.httpsentinel.client.pool;

import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * Live view of one client's connection pool, fed by Reactor Netty. A client talks to one
 * host, but Reactor Netty keeps one pool per resolved remote address (several when a host
 * name resolves to several addresses), so the figures are summed over them.
 * <p>
 * Thread-safe: Reactor Netty registers pools from its event loops while readers take
 * snapshots from any thread.
 */
public final class PoolStatistics implements ConnectionProvider.MeterRegistrar {

	private final Map<SocketAddress, ConnectionPoolMetrics> pools = new ConcurrentHashMap<>();

	@Override
	public void registerMetrics(String poolName, String id, SocketAddress remoteAddress,
			ConnectionPoolMetrics metrics) {
		this.pools.put(remoteAddress, metrics);
	}

	@Override
	public void deRegisterMetrics(String poolName, String id, SocketAddress remoteAddress) {
		this.pools.remove(remoteAddress);
	}

	/**
	 * Current figures, summed over the pools of every remote address.
	 * @return a snapshot
	 */
	public PoolSnapshot snapshot() {
		int active = 0;
		int idle = 0;
		int pending = 0;
		int total = 0;
		for (ConnectionPoolMetrics pool : this.pools.values()) {
			active += pool.acquiredSize();
			idle += pool.idleSize();
			pending += pool.pendingAcquireSize();
			total += pool.allocatedSize();
		}
		return new PoolSnapshot(active, idle, pending, total);
	}

	/**
	 * Figures of a pool at one moment.
	 *
	 * @param active connections in use by a request
	 * @param idle connections open and waiting for a request
	 * @param pending requests waiting for a connection
	 * @param total connections open (active, idle, or being opened)
	 */
	public record PoolSnapshot(int active, int idle, int pending, int total) {

	}

}
