package io.httpsentinel.client.pool;

import reactor.netty.resources.ConnectionProvider;

import io.httpsentinel.Internal;

/**
 * Creates the Reactor Netty connection pool of one client.
 */
@Internal
public final class ConnectionProviderFactory {

	private ConnectionProviderFactory() {
	}

	/**
	 * Create a pool named {@code sentinel-<clientName>} whose figures flow into
	 * {@code statistics}. The caller owns the pool and must dispose it.
	 * @param clientName the client name
	 * @param settings resolved pool settings (no {@code null} component)
	 * @param statistics receives the pool's figures
	 * @return a new connection provider
	 */
	public static ConnectionProvider create(String clientName, PoolSettings settings, PoolStatistics statistics) {
		ConnectionProvider.Builder builder = ConnectionProvider.builder(poolName(clientName))
			.maxConnections(settings.maxConnections())
			.pendingAcquireMaxCount(settings.pendingAcquireMaxCount())
			.pendingAcquireTimeout(settings.pendingAcquireTimeout())
			.maxIdleTime(settings.maxIdleTime())
			.maxLifeTime(settings.maxLifeTime())
			.evictInBackground(settings.evictInBackground())
			.metrics(true, () -> statistics);
		if (settings.leasing() == LeasingStrategy.FIFO) {
			builder.fifo();
		}
		else {
			builder.lifo();
		}
		return builder.build();
	}

	/**
	 * Name of a client's pool, as it appears in Reactor Netty's logs and meters.
	 * @param clientName the client name
	 * @return the pool name
	 */
	public static String poolName(String clientName) {
		return "sentinel-" + clientName;
	}

}
