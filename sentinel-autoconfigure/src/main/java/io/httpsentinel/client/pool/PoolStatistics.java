package io.httpsentinel.client.pool;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * Live view of one client's connection pool, fed by Reactor Netty. A client talks to one
 * host, but Reactor Netty keeps one pool per resolved remote address (several when a host
 * name resolves to several addresses), so the figures are summed over them.
 * <p>
 * Thread-safe: Reactor Netty registers pools from its event loops while readers take
 * snapshots from any thread. {@link Listener}s hear about pools as they come and go
 * (meter binders register per-address meters this way).
 */
public final class PoolStatistics implements ConnectionProvider.MeterRegistrar {

	private final Map<SocketAddress, Pool> pools = new ConcurrentHashMap<>();

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	@Override
	public synchronized void registerMetrics(String poolName, String id, SocketAddress remoteAddress,
			ConnectionPoolMetrics metrics) {
		Pool pool = new Pool(poolName, id, remoteAddress, metrics);
		Pool replaced = this.pools.put(remoteAddress, pool);
		for (Listener listener : this.listeners) {
			if (replaced != null) {
				listener.removed(replaced);
			}
			listener.added(pool);
		}
	}

	@Override
	public synchronized void deRegisterMetrics(String poolName, String id, SocketAddress remoteAddress) {
		Pool pool = this.pools.remove(remoteAddress);
		if (pool != null) {
			this.listeners.forEach((listener) -> listener.removed(pool));
		}
	}

	/**
	 * Hear about the pools of every remote address: first those that exist, then each one
	 * created or removed later. Listeners run on the thread that creates or removes the
	 * pool (an event loop): keep them quick.
	 * @param listener the listener
	 */
	public synchronized void addListener(Listener listener) {
		this.pools.values().forEach(listener::added);
		this.listeners.add(listener);
	}

	/**
	 * Most connections the pools may open, summed over the remote addresses.
	 * @return the maximum, 0 before the first connection
	 */
	public int maxConnections() {
		int max = 0;
		for (Pool pool : this.pools.values()) {
			max += pool.metrics().maxAllocatedSize();
		}
		return max;
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
		for (Pool pool : this.pools.values()) {
			active += pool.metrics().acquiredSize();
			idle += pool.metrics().idleSize();
			pending += pool.metrics().pendingAcquireSize();
			total += pool.metrics().allocatedSize();
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

	/**
	 * The pool of one remote address, as Reactor Netty registered it.
	 *
	 * @param name the pool name ({@code sentinel-<client>})
	 * @param id Reactor Netty's id of the pool instance
	 * @param remoteAddress the remote address
	 * @param metrics the live figures
	 */
	public record Pool(String name, String id, SocketAddress remoteAddress, ConnectionPoolMetrics metrics) {

	}

	/**
	 * Told when the pool of a remote address is created or removed.
	 */
	public interface Listener {

		/**
		 * A pool was created (or existed when the listener was added).
		 * @param pool the pool
		 */
		void added(Pool pool);

		/**
		 * A pool was removed (the client closed, or the pool was idle too long).
		 * @param pool the pool
		 */
		void removed(Pool pool);

	}

}
