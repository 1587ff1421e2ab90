package io.httpsentinel.resilience;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * How a client's rate limit is shared through Redis ({@code rate-limit.store: redis}).
 * Every component may be {@code null}, meaning "inherit".
 *
 * @param timeout longest a request waits for Redis before the failure mode applies; every
 * Redis call on the request path is bounded by it, never by the Redis client's own
 * command timeout
 * @param onFailure what to do while Redis cannot be reached
 * @param replicas replicas sharing the quota, for the local fallback's share (the limit
 * divided by it); when not set, the number of replicas seen in Redis last
 * @param key name of the quota in Redis, shared by every client and replica naming it;
 * defaults to the client's name
 */
public record SharedRateLimitSettings(@Nullable Duration timeout, @Nullable RedisFailureMode onFailure,
		@Nullable Integer replicas, @Nullable String key) {

	/**
	 * Settings that inherit everything.
	 */
	public static final SharedRateLimitSettings INHERIT = new SharedRateLimitSettings(null, null, null, null);

	/**
	 * Built-in defaults: 50ms, fall back to the local share.
	 */
	public static final SharedRateLimitSettings DEFAULTS = new SharedRateLimitSettings(Duration.ofMillis(50),
			RedisFailureMode.LOCAL, null, null);

	public SharedRateLimitSettings {
		SettingChecks.positive("rate-limit.redis.timeout", timeout);
		SettingChecks.positive("rate-limit.redis.replicas", replicas);
		if (key != null && (key.isBlank() || key.chars().anyMatch(Character::isWhitespace))) {
			throw new InvalidSettingException("rate-limit.redis.key", key, "must not be blank or contain whitespace");
		}
	}

	public SharedRateLimitSettings orElse(SharedRateLimitSettings other) {
		return new SharedRateLimitSettings(SettingChecks.pick(this.timeout, other.timeout),
				SettingChecks.pick(this.onFailure, other.onFailure), SettingChecks.pick(this.replicas, other.replicas),
				SettingChecks.pick(this.key, other.key));
	}

}
