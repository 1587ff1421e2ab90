package io.httpsentinel.sse;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * How an SSE stream read with {@code SentinelClient.sse} reconnects after its connection
 * ends or breaks. Every component may be {@code null}, meaning "inherit".
 *
 * @param enabled whether to reconnect at all (a call may still opt out)
 * @param initialDelay delay before the first reconnect, unless the server sent a
 * {@code retry:} field, whose value then takes its place
 * @param maxDelay cap of the delay as it doubles over failed reconnects in a row; a
 * server's {@code retry:} above it is still honoured
 * @param resetAfter a connection that stayed open at least this long was healthy: the
 * next reconnect starts again from the base delay, and the attempt counters reset
 * @param maxAttempts most reconnects in a row (without a healthy connection between them)
 * before giving up; {@code -1} for no limit
 * @param maxElapsed longest time spent reconnecting in a row, counted from the end of the
 * last healthy connection: a reconnect whose delay would end past it is not made;
 * {@code 0} for no limit
 */
public record SseReconnectSettings(@Nullable Boolean enabled, @Nullable Duration initialDelay,
		@Nullable Duration maxDelay, @Nullable Duration resetAfter, @Nullable Integer maxAttempts,
		@Nullable Duration maxElapsed) {

	/**
	 * Built-in defaults: reconnect, after 3s (as browsers do) doubling up to 30s, reset
	 * after a connection healthy for 30s, no limit on attempts or time.
	 */
	public static final SseReconnectSettings DEFAULTS = new SseReconnectSettings(true, Duration.ofSeconds(3),
			Duration.ofSeconds(30), Duration.ofSeconds(30), -1, Duration.ZERO);

	/**
	 * Settings that inherit everything.
	 */
	public static final SseReconnectSettings INHERIT = new SseReconnectSettings(null, null, null, null, null, null);

	public SseReconnectSettings {
		SettingChecks.positive("sse.reconnect.initial-delay", initialDelay);
		SettingChecks.positive("sse.reconnect.max-delay", maxDelay);
		SettingChecks.positive("sse.reconnect.reset-after", resetAfter);
		if (maxAttempts != null && maxAttempts < -1) {
			throw new InvalidSettingException("sse.reconnect.max-attempts", maxAttempts,
					"must be -1 (no limit) or at least 0");
		}
		SettingChecks.notNegative("sse.reconnect.max-elapsed", maxElapsed);
	}

	/**
	 * Return settings where every {@code null} component is taken from {@code other}.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public SseReconnectSettings orElse(SseReconnectSettings other) {
		return new SseReconnectSettings(SettingChecks.pick(this.enabled, other.enabled),
				SettingChecks.pick(this.initialDelay, other.initialDelay),
				SettingChecks.pick(this.maxDelay, other.maxDelay),
				SettingChecks.pick(this.resetAfter, other.resetAfter),
				SettingChecks.pick(this.maxAttempts, other.maxAttempts),
				SettingChecks.pick(this.maxElapsed, other.maxElapsed));
	}

	/**
	 * Check the rules that span several settings. Call on resolved settings.
	 * @throws InvalidSettingException naming the offending key
	 */
	public void checkConsistent() {
		if (this.maxDelay != null && this.initialDelay != null && this.maxDelay.compareTo(this.initialDelay) < 0) {
			throw new InvalidSettingException("sse.reconnect.max-delay", this.maxDelay,
					"must not be shorter than sse.reconnect.initial-delay (" + this.initialDelay + ")");
		}
	}

	public SseReconnectSettings withEnabled(@Nullable Boolean enabled) {
		return new SseReconnectSettings(enabled, this.initialDelay, this.maxDelay, this.resetAfter, this.maxAttempts,
				this.maxElapsed);
	}

	public SseReconnectSettings withDelays(@Nullable Duration initialDelay, @Nullable Duration maxDelay) {
		return new SseReconnectSettings(this.enabled, initialDelay, maxDelay, this.resetAfter, this.maxAttempts,
				this.maxElapsed);
	}

	public SseReconnectSettings withResetAfter(@Nullable Duration resetAfter) {
		return new SseReconnectSettings(this.enabled, this.initialDelay, this.maxDelay, resetAfter, this.maxAttempts,
				this.maxElapsed);
	}

	public SseReconnectSettings withLimits(@Nullable Integer maxAttempts, @Nullable Duration maxElapsed) {
		return new SseReconnectSettings(this.enabled, this.initialDelay, this.maxDelay, this.resetAfter, maxAttempts,
				maxElapsed);
	}

}
