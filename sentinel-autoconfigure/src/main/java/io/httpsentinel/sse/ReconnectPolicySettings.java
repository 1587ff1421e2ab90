package io.httpsentinel.sse;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * How a run of reconnects in a row is paced and bounded: the shape that
 * {@link SseReconnectSettings} (a stream read with {@code SentinelClient.sse}) and
 * {@link SseResumeSettings} (the upstream of a forwarded stream) share. What ends a run
 * (a healthy connection, a new event) is up to its owner. Every component may be
 * {@code null}, meaning "inherit".
 * <p>
 * The owner validates the components under its own keys (see {@link #check(String)}),
 * since the same shape is configured under {@code sse.reconnect} and {@code sse.resume}.
 *
 * @param initialDelay delay before the first reconnect, unless the server sent a
 * {@code retry:} field, whose value then takes its place
 * @param maxDelay cap of the delay as it doubles over failed reconnects in a row; a
 * server's {@code retry:} above it is still honoured
 * @param maxAttempts most reconnects in a row before giving up; {@code -1} for no limit
 * @param maxElapsed longest time spent reconnecting in a row: a reconnect whose delay
 * would end past it is not made; {@code 0} for no limit
 */
public record ReconnectPolicySettings(@Nullable Duration initialDelay, @Nullable Duration maxDelay,
		@Nullable Integer maxAttempts, @Nullable Duration maxElapsed) {

	/**
	 * Settings that inherit everything.
	 */
	public static final ReconnectPolicySettings INHERIT = new ReconnectPolicySettings(null, null, null, null);

	/**
	 * Check each component on its own, reporting a rejected value under the owner's keys.
	 * @param keyPrefix the owner's keys, e.g. {@code sse.reconnect}
	 * @throws InvalidSettingException naming the offending key
	 */
	void check(String keyPrefix) {
		SettingChecks.positive(keyPrefix + ".initial-delay", this.initialDelay);
		SettingChecks.positive(keyPrefix + ".max-delay", this.maxDelay);
		if (this.maxAttempts != null && this.maxAttempts < -1) {
			throw new InvalidSettingException(keyPrefix + ".max-attempts", this.maxAttempts,
					"must be -1 (no limit) or at least 0");
		}
		SettingChecks.notNegative(keyPrefix + ".max-elapsed", this.maxElapsed);
	}

	/**
	 * Check the rules that span several components. Call on resolved settings.
	 * @param keyPrefix the owner's keys, e.g. {@code sse.reconnect}
	 * @throws InvalidSettingException naming the offending key
	 */
	void checkConsistent(String keyPrefix) {
		if (this.maxDelay != null && this.initialDelay != null && this.maxDelay.compareTo(this.initialDelay) < 0) {
			throw new InvalidSettingException(keyPrefix + ".max-delay", this.maxDelay,
					"must not be shorter than " + keyPrefix + ".initial-delay (" + this.initialDelay + ")");
		}
	}

	/**
	 * Return settings where every {@code null} component is taken from {@code other}.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public ReconnectPolicySettings orElse(ReconnectPolicySettings other) {
		return new ReconnectPolicySettings(SettingChecks.pick(this.initialDelay, other.initialDelay),
				SettingChecks.pick(this.maxDelay, other.maxDelay),
				SettingChecks.pick(this.maxAttempts, other.maxAttempts),
				SettingChecks.pick(this.maxElapsed, other.maxElapsed));
	}

	public ReconnectPolicySettings withDelays(@Nullable Duration initialDelay, @Nullable Duration maxDelay) {
		return toBuilder().initialDelay(initialDelay).maxDelay(maxDelay).build();
	}

	public ReconnectPolicySettings withLimits(@Nullable Integer maxAttempts, @Nullable Duration maxElapsed) {
		return toBuilder().maxAttempts(maxAttempts).maxElapsed(maxElapsed).build();
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
	 * Builds {@link ReconnectPolicySettings} by name; each method sets the component of
	 * the same name.
	 */
	public static final class Builder {

		private @Nullable Duration initialDelay;

		private @Nullable Duration maxDelay;

		private @Nullable Integer maxAttempts;

		private @Nullable Duration maxElapsed;

		private Builder(ReconnectPolicySettings from) {
			this.initialDelay = from.initialDelay;
			this.maxDelay = from.maxDelay;
			this.maxAttempts = from.maxAttempts;
			this.maxElapsed = from.maxElapsed;
		}

		public Builder initialDelay(@Nullable Duration initialDelay) {
			this.initialDelay = initialDelay;
			return this;
		}

		public Builder maxDelay(@Nullable Duration maxDelay) {
			this.maxDelay = maxDelay;
			return this;
		}

		public Builder maxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
			return this;
		}

		public Builder maxElapsed(@Nullable Duration maxElapsed) {
			this.maxElapsed = maxElapsed;
			return this;
		}

		public ReconnectPolicySettings build() {
			return new ReconnectPolicySettings(this.initialDelay, this.maxDelay, this.maxAttempts, this.maxElapsed);
		}

	}

}
