package io.httpsentinel.resilience;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * Client-side rate limit of one client: a token bucket spent by every attempt, retries
 * included, since each one spends the provider's quota. No limit when neither rate is
 * set. Every component may be {@code null}, meaning "inherit".
 *
 * @param requestsPerSecond sustained rate, in requests per second
 * @param requestsPerMinute sustained rate, in requests per minute (what most LLM
 * providers publish); set this or {@code requestsPerSecond}, not both
 * @param burst requests that may go out at once when the bucket is full; defaults to the
 * rate's own number (e.g. 50 for 50 per minute)
 * @param maxWait longest a request waits for a token before failing with
 * {@link RateLimitExceededException}; also bounded by the time left of the call
 * @param store where the tokens are kept: in this process, or in Redis for all replicas
 * together (then the host pause is shared too)
 * @param adaptive pacing from the provider's rate-limit headers
 * @param redis how the limit is shared through Redis
 */
public record RateLimitSettings(@Nullable Integer requestsPerSecond, @Nullable Integer requestsPerMinute,
		@Nullable Integer burst, @Nullable Duration maxWait, @Nullable RateLimitStore store,
		AdaptivePacingSettings adaptive, SharedRateLimitSettings redis) {

	/**
	 * Settings that inherit everything.
	 */
	public static final RateLimitSettings INHERIT = new RateLimitSettings(null, null, null, null, null,
			AdaptivePacingSettings.INHERIT, SharedRateLimitSettings.INHERIT);

	/**
	 * Built-in defaults: no limit, kept locally; a limited request waits up to 30s; no
	 * adaptive pacing.
	 */
	public static final RateLimitSettings DEFAULTS = builder().maxWait(Duration.ofSeconds(30))
		.store(RateLimitStore.LOCAL)
		.adaptive(AdaptivePacingSettings.DEFAULTS)
		.redis(SharedRateLimitSettings.DEFAULTS)
		.build();

	public RateLimitSettings {
		SettingChecks.positive("rate-limit.requests-per-second", requestsPerSecond);
		if (requestsPerSecond != null && requestsPerSecond > 1_000_000_000) {
			// The token bucket refills at most one token per nanosecond.
			throw new InvalidSettingException("rate-limit.requests-per-second", requestsPerSecond,
					"must be at most 1000000000");
		}
		SettingChecks.positive("rate-limit.requests-per-minute", requestsPerMinute);
		SettingChecks.positive("rate-limit.burst", burst);
		SettingChecks.notNegative("rate-limit.max-wait", maxWait);
	}

	/**
	 * Settings of a local limit, inheriting the store, the pacing and the sharing.
	 * @param requestsPerSecond sustained rate, in requests per second
	 * @param requestsPerMinute sustained rate, in requests per minute
	 * @param burst requests that may go out at once when the bucket is full
	 * @param maxWait longest a request waits for a token
	 */
	public RateLimitSettings(@Nullable Integer requestsPerSecond, @Nullable Integer requestsPerMinute,
			@Nullable Integer burst, @Nullable Duration maxWait) {
		this(requestsPerSecond, requestsPerMinute, burst, maxWait, null, AdaptivePacingSettings.INHERIT,
				SharedRateLimitSettings.INHERIT);
	}

	public RateLimitSettings orElse(RateLimitSettings other) {
		return new RateLimitSettings(SettingChecks.pick(this.requestsPerSecond, other.requestsPerSecond),
				SettingChecks.pick(this.requestsPerMinute, other.requestsPerMinute),
				SettingChecks.pick(this.burst, other.burst), SettingChecks.pick(this.maxWait, other.maxWait),
				SettingChecks.pick(this.store, other.store), this.adaptive.orElse(other.adaptive),
				this.redis.orElse(other.redis));
	}

	/**
	 * Whether a rate is set.
	 * @return whether requests are limited
	 */
	public boolean isLimited() {
		return this.requestsPerSecond != null || this.requestsPerMinute != null;
	}

	/**
	 * Requests per {@link #period()}: the rate that is set.
	 * @return the permits, 0 when no rate is set
	 */
	public long permitsPerPeriod() {
		if (this.requestsPerSecond != null) {
			return this.requestsPerSecond;
		}
		return (this.requestsPerMinute != null) ? this.requestsPerMinute : 0;
	}

	/**
	 * The period of the rate that is set.
	 * @return a second or a minute
	 */
	public Duration period() {
		return (this.requestsPerSecond != null || this.requestsPerMinute == null) ? Duration.ofSeconds(1)
				: Duration.ofMinutes(1);
	}

	/**
	 * Requests that may go out at once when the bucket is full.
	 * @return {@code burst}, or the rate's own number when it is not set
	 */
	public long effectiveBurst() {
		return (this.burst != null) ? this.burst : permitsPerPeriod();
	}

	/**
	 * Whether the limit or the pacing is shared through Redis.
	 * @return {@code true} for {@link RateLimitStore#REDIS}
	 */
	public boolean isShared() {
		return this.store == RateLimitStore.REDIS;
	}

	public void checkConsistent() {
		if (this.requestsPerSecond != null && this.requestsPerMinute != null) {
			throw new InvalidSettingException("rate-limit.requests-per-minute", this.requestsPerMinute,
					"cannot be combined with rate-limit.requests-per-second: choose one");
		}
		if (isShared() && !isLimited() && !this.adaptive.isEnabled()) {
			throw new InvalidSettingException("rate-limit.store", "redis",
					"shares nothing without a rate (rate-limit.requests-per-second or requests-per-minute) "
							+ "or rate-limit.adaptive: set one, or leave the store local");
		}
	}

	/**
	 * Start building settings by name, from settings that inherit everything.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder(INHERIT);
	}

	/**
	 * Builds {@link RateLimitSettings} by name; each method sets the component of the
	 * same name.
	 */
	public static final class Builder {

		private @Nullable Integer requestsPerSecond;

		private @Nullable Integer requestsPerMinute;

		private @Nullable Integer burst;

		private @Nullable Duration maxWait;

		private @Nullable RateLimitStore store;

		private AdaptivePacingSettings adaptive;

		private SharedRateLimitSettings redis;

		private Builder(RateLimitSettings from) {
			this.requestsPerSecond = from.requestsPerSecond;
			this.requestsPerMinute = from.requestsPerMinute;
			this.burst = from.burst;
			this.maxWait = from.maxWait;
			this.store = from.store;
			this.adaptive = from.adaptive;
			this.redis = from.redis;
		}

		public Builder requestsPerSecond(@Nullable Integer requestsPerSecond) {
			this.requestsPerSecond = requestsPerSecond;
			return this;
		}

		public Builder requestsPerMinute(@Nullable Integer requestsPerMinute) {
			this.requestsPerMinute = requestsPerMinute;
			return this;
		}

		public Builder burst(@Nullable Integer burst) {
			this.burst = burst;
			return this;
		}

		public Builder maxWait(@Nullable Duration maxWait) {
			this.maxWait = maxWait;
			return this;
		}

		public Builder store(@Nullable RateLimitStore store) {
			this.store = store;
			return this;
		}

		public Builder adaptive(AdaptivePacingSettings adaptive) {
			this.adaptive = adaptive;
			return this;
		}

		public Builder redis(SharedRateLimitSettings redis) {
			this.redis = redis;
			return this;
		}

		public RateLimitSettings build() {
			return new RateLimitSettings(this.requestsPerSecond, this.requestsPerMinute, this.burst, this.maxWait,
					this.store, this.adaptive, this.redis);
		}

	}

}
