package io.httpsentinel.client.pool;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.SettingChecks;

/**
 * Connection pool settings of one client, in Reactor Netty's vocabulary. Every component
 * may be {@code null}, meaning "inherit" (see {@link #orElse(PoolSettings)}).
 *
 * @param maxConnections maximum number of connections to the host (HTTP/1.1) or of HTTP/2
 * connections
 * @param pendingAcquireMaxCount maximum number of requests waiting for a connection; more
 * fail at once with {@link PoolPendingLimitException}
 * @param pendingAcquireTimeout maximum time a request waits for a connection before
 * failing with {@link PoolAcquireTimeoutException}
 * @param maxIdleTime time after which an unused connection is closed
 * @param maxLifeTime maximum age of a connection, so that DNS changes and server-side
 * connection limits are picked up
 * @param evictInBackground interval of the background eviction of idle and expired
 * connections; zero disables it (connections are then checked only when acquired)
 * @param leasing order in which idle connections are reused
 */
public record PoolSettings(@Nullable Integer maxConnections, @Nullable Integer pendingAcquireMaxCount,
		@Nullable Duration pendingAcquireTimeout, @Nullable Duration maxIdleTime, @Nullable Duration maxLifeTime,
		@Nullable Duration evictInBackground, @Nullable LeasingStrategy leasing) {

	/**
	 * Settings that inherit everything.
	 */
	public static final PoolSettings INHERIT = new PoolSettings(null, null, null, null, null, null, null);

	/**
	 * Built-in defaults: 100 connections, 200 pending acquires waiting at most 10s, idle
	 * connections closed after 30s, connections renewed after 5 minutes, background
	 * eviction every 30s, FIFO leasing (Reactor Netty's own default).
	 */
	public static final PoolSettings DEFAULTS = builder().maxConnections(100)
		.pendingAcquireMaxCount(200)
		.pendingAcquireTimeout(Duration.ofSeconds(10))
		.maxIdleTime(Duration.ofSeconds(30))
		.maxLifeTime(Duration.ofMinutes(5))
		.evictInBackground(Duration.ofSeconds(30))
		.leasing(LeasingStrategy.FIFO)
		.build();

	public PoolSettings {
		SettingChecks.positive("pool.max-connections", maxConnections);
		SettingChecks.positive("pool.pending-acquire-max-count", pendingAcquireMaxCount);
		SettingChecks.positive("pool.pending-acquire-timeout", pendingAcquireTimeout);
		SettingChecks.positive("pool.max-idle-time", maxIdleTime);
		SettingChecks.positive("pool.max-life-time", maxLifeTime);
		SettingChecks.notNegative("pool.evict-in-background", evictInBackground);
	}

	/**
	 * Return settings where every {@code null} component is taken from {@code other}.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public PoolSettings orElse(PoolSettings other) {
		return new PoolSettings(SettingChecks.pick(this.maxConnections, other.maxConnections),
				SettingChecks.pick(this.pendingAcquireMaxCount, other.pendingAcquireMaxCount),
				SettingChecks.pick(this.pendingAcquireTimeout, other.pendingAcquireTimeout),
				SettingChecks.pick(this.maxIdleTime, other.maxIdleTime),
				SettingChecks.pick(this.maxLifeTime, other.maxLifeTime),
				SettingChecks.pick(this.evictInBackground, other.evictInBackground),
				SettingChecks.pick(this.leasing, other.leasing));
	}

	public PoolSettings withMaxConnections(@Nullable Integer maxConnections) {
		return toBuilder().maxConnections(maxConnections).build();
	}

	public PoolSettings withPendingAcquire(@Nullable Integer maxCount, @Nullable Duration timeout) {
		return toBuilder().pendingAcquireMaxCount(maxCount).pendingAcquireTimeout(timeout).build();
	}

	public PoolSettings withMaxIdleTime(@Nullable Duration maxIdleTime) {
		return toBuilder().maxIdleTime(maxIdleTime).build();
	}

	public PoolSettings withMaxLifeTime(@Nullable Duration maxLifeTime) {
		return toBuilder().maxLifeTime(maxLifeTime).build();
	}

	public PoolSettings withEvictInBackground(@Nullable Duration evictInBackground) {
		return toBuilder().evictInBackground(evictInBackground).build();
	}

	public PoolSettings withLeasing(@Nullable LeasingStrategy leasing) {
		return toBuilder().leasing(leasing).build();
	}

	/**
	 * Start building settings by name, from settings that inherit everything.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder(INHERIT);
	}

	private Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * Builds {@link PoolSettings} by name; each method sets the component of the same
	 * name.
	 */
	public static final class Builder {

		private @Nullable Integer maxConnections;

		private @Nullable Integer pendingAcquireMaxCount;

		private @Nullable Duration pendingAcquireTimeout;

		private @Nullable Duration maxIdleTime;

		private @Nullable Duration maxLifeTime;

		private @Nullable Duration evictInBackground;

		private @Nullable LeasingStrategy leasing;

		private Builder(PoolSettings from) {
			this.maxConnections = from.maxConnections;
			this.pendingAcquireMaxCount = from.pendingAcquireMaxCount;
			this.pendingAcquireTimeout = from.pendingAcquireTimeout;
			this.maxIdleTime = from.maxIdleTime;
			this.maxLifeTime = from.maxLifeTime;
			this.evictInBackground = from.evictInBackground;
			this.leasing = from.leasing;
		}

		public Builder maxConnections(@Nullable Integer maxConnections) {
			this.maxConnections = maxConnections;
			return this;
		}

		public Builder pendingAcquireMaxCount(@Nullable Integer pendingAcquireMaxCount) {
			this.pendingAcquireMaxCount = pendingAcquireMaxCount;
			return this;
		}

		public Builder pendingAcquireTimeout(@Nullable Duration pendingAcquireTimeout) {
			this.pendingAcquireTimeout = pendingAcquireTimeout;
			return this;
		}

		public Builder maxIdleTime(@Nullable Duration maxIdleTime) {
			this.maxIdleTime = maxIdleTime;
			return this;
		}

		public Builder maxLifeTime(@Nullable Duration maxLifeTime) {
			this.maxLifeTime = maxLifeTime;
			return this;
		}

		public Builder evictInBackground(@Nullable Duration evictInBackground) {
			this.evictInBackground = evictInBackground;
			return this;
		}

		public Builder leasing(@Nullable LeasingStrategy leasing) {
			this.leasing = leasing;
			return this;
		}

		public PoolSettings build() {
			return new PoolSettings(this.maxConnections, this.pendingAcquireMaxCount, this.pendingAcquireTimeout,
					this.maxIdleTime, this.maxLifeTime, this.evictInBackground, this.leasing);
		}

	}

}
