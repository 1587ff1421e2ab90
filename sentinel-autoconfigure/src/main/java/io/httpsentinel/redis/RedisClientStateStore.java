package io.httpsentinel.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;

import io.httpsentinel.Internal;
import io.httpsentinel.resilience.ClientStateStore;
import io.httpsentinel.resilience.HostPauseView;
import io.httpsentinel.resilience.PacingSchedule;
import io.httpsentinel.resilience.RateLimitSettings;
import io.httpsentinel.resilience.RateLimiter;

/**
 * Keeps the rate limit, the adaptive pacing schedule and the host pause of the clients
 * with {@code rate-limit.store: redis} in Redis, shared by every replica; the other
 * clients keep theirs in this process.
 */
@Internal
public final class RedisClientStateStore implements ClientStateStore, AutoCloseable {

	/**
	 * How often a shared host pause is read again from Redis, in case a message was lost.
	 */
	private static final Duration PAUSE_REFRESH = Duration.ofSeconds(1);

	private final RedisConnection redis;

	private final Clock clock;

	private final Scheduler scheduler;

	private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

	private @Nullable RedisPauseChannel pauseChannel;

	/**
	 * Create a store.
	 * @param redis the connection, closed with the store
	 * @param clock the wall clock
	 * @param scheduler where timeouts and heartbeats run
	 */
	public RedisClientStateStore(RedisConnection redis, Clock clock, Scheduler scheduler) {
		this.redis = redis;
		this.clock = clock;
		this.scheduler = scheduler;
	}

	@Override
	public RateLimiter rateLimiter(String clientName, RateLimitSettings settings, RateLimiter local) {
		if (!settings.isShared() || !settings.isLimited()) {
			return local;
		}
		RedisRateLimiter limiter = new RedisRateLimiter(clientName, settings, this.redis, this.clock, this.scheduler);
		this.opened.add(limiter);
		return limiter;
	}

	@Override
	public PacingSchedule pacingSchedule(String clientName, RateLimitSettings settings, PacingSchedule local) {
		if (!settings.isShared()) {
			return local;
		}
		String key = (settings.redis().key() != null) ? settings.redis().key() : clientName;
		return new RedisPacingSchedule(this.redis::commands, RedisPacingSchedule.key(this.redis.keyPrefix(), key),
				settings.redis().timeout(), this.scheduler, local);
	}

	@Override
	public HostPauseView hostPause(String clientName, RateLimitSettings settings, HostPauseView local) {
		if (!settings.isShared()) {
			return local;
		}
		String key = (settings.redis().key() != null) ? settings.redis().key() : clientName;
		return pauseChannel().register(key, local, settings.redis().timeout());
	}

	private synchronized RedisPauseChannel pauseChannel() {
		if (this.pauseChannel == null) {
			this.pauseChannel = new RedisPauseChannel(this.redis, PAUSE_REFRESH, this.clock, this.scheduler);
			this.opened.add(this.pauseChannel);
		}
		return this.pauseChannel;
	}

	@Override
	public void close() throws Exception {
		for (AutoCloseable closeable : this.opened) {
			closeable.close();
		}
		this.redis.close();
	}

}
