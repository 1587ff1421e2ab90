package io.httpsentinel.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.client.pool.LeasingStrategy;

/**
 * Connection pool of one client, in Reactor Netty's vocabulary.
 */
public class PoolProperties {

	/**
	 * Maximum number of connections to the host.
	 */
	private @Nullable Integer maxConnections;

	/**
	 * Maximum number of requests waiting for a connection; more fail at once.
	 */
	private @Nullable Integer pendingAcquireMaxCount;

	/**
	 * Maximum time a request waits for a connection.
	 */
	private @Nullable Duration pendingAcquireTimeout;

	/**
	 * Time after which an unused connection is closed.
	 */
	private @Nullable Duration maxIdleTime;

	/**
	 * Maximum age of a connection, so that DNS changes are picked up.
	 */
	private @Nullable Duration maxLifeTime;

	/**
	 * Interval of the background eviction of idle and expired connections; 0 disables it.
	 */
	private @Nullable Duration evictInBackground;

	/**
	 * Order in which idle connections are reused: 'fifo' (least recently used first) or
	 * 'lifo' (most recently used first).
	 */
	private @Nullable LeasingStrategy leasing;

	public @Nullable Integer getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(@Nullable Integer maxConnections) {
		this.maxConnections = maxConnections;
	}

	public @Nullable Integer getPendingAcquireMaxCount() {
		return this.pendingAcquireMaxCount;
	}

	public void setPendingAcquireMaxCount(@Nullable Integer pendingAcquireMaxCount) {
		this.pendingAcquireMaxCount = pendingAcquireMaxCount;
	}

	public @Nullable Duration getPendingAcquireTimeout() {
		return this.pendingAcquireTimeout;
	}

	public void setPendingAcquireTimeout(@Nullable Duration pendingAcquireTimeout) {
		this.pendingAcquireTimeout = pendingAcquireTimeout;
	}

	public @Nullable Duration getMaxIdleTime() {
		return this.maxIdleTime;
	}

	public void setMaxIdleTime(@Nullable Duration maxIdleTime) {
		this.maxIdleTime = maxIdleTime;
	}

	public @Nullable Duration getMaxLifeTime() {
		return this.maxLifeTime;
	}

	public void setMaxLifeTime(@Nullable Duration maxLifeTime) {
		this.maxLifeTime = maxLifeTime;
	}

	public @Nullable Duration getEvictInBackground() {
		return this.evictInBackground;
	}

	public void setEvictInBackground(@Nullable Duration evictInBackground) {
		this.evictInBackground = evictInBackground;
	}

	public @Nullable LeasingStrategy getLeasing() {
		return this.leasing;
	}

	public void setLeasing(@Nullable LeasingStrategy leasing) {
		this.leasing = leasing;
	}

}
