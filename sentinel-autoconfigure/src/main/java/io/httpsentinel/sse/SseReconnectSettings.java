package io.httpsentinel.sse;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * How an SSE stream read with {@code SentinelClient.sse} reconnects after its connection
 * ends or breaks. A run of reconnects in a row ends with a healthy connection (one that
 * stayed open {@code resetAfter}); its pace and bounds are a
 * {@link ReconnectPolicySettings}, the shape shared with {@link SseResumeSettings}. Every
 * component may be {@code null}, meaning "inherit".
 *
 * @param enabled whether to reconnect at all (a call may still opt out)
 * @param resetAfter a connection that stayed open at least this long was healthy: the
 * next reconnect starts again from the base delay, and the attempt counters reset
 * @param policy delays and limits of reconnects in a row: the {@code retry:} field or
 * initial delay doubling up to the max delay; at most max attempts in a row without a
 * healthy connection between them ({@code -1} for no limit), within max elapsed counted
 * from the end of the last healthy connection ({@code 0} for no limit)
 */
public record SseReconnectSettings(@Nullable Boolean enabled, @Nullable Duration resetAfter,
		ReconnectPolicySettings policy) {

	static final String KEY_PREFIX = "sse.reconnect";

	/**
	 * Built-in defaults: reconnect, after 3s (as browsers do) doubling up to 30s, reset
	 * after a connection healthy for 30s, no limit on attempts or time.
	 */
	public static final SseReconnectSettings DEFAULTS = new SseReconnectSettings(true, Duration.ofSeconds(30),
			ReconnectPolicySettings.builder()
				.initialDelay(Duration.ofSeconds(3))
				.maxDelay(Duration.ofSeconds(30))
				.maxAttempts(-1)
				.maxElapsed(Duration.ZERO)
				.build());

	/**
	 * Settings that inherit everything.
	 */
	public static final SseReconnectSettings INHERIT = new SseReconnectSettings(null, null,
			ReconnectPolicySettings.INHERIT);

	public SseReconnectSettings {
		policy.check(KEY_PREFIX);
		SettingChecks.positive(KEY_PREFIX + ".reset-after", resetAfter);
	}

	/**
	 * Delay before the first reconnect, unless the server sent a {@code retry:} field.
	 * @return the delay of the {@link #policy()}
	 */
	public @Nullable Duration initialDelay() {
		return this.policy.initialDelay();
	}

	/**
	 * Cap of the doubling delay.
	 * @return the cap of the {@link #policy()}
	 */
	public @Nullable Duration maxDelay() {
		return this.policy.maxDelay();
	}

	/**
	 * Most reconnects in a row before giving up; {@code -1} for no limit.
	 * @return the limit of the {@link #policy()}
	 */
	public @Nullable Integer maxAttempts() {
		return this.policy.maxAttempts();
	}

	/**
	 * Longest time spent reconnecting in a row; {@code 0} for no limit.
	 * @return the time budget of the {@link #policy()}
	 */
	public @Nullable Duration maxElapsed() {
		return this.policy.maxElapsed();
	}

	/**
	 * Return settings where every {@code null} component is taken from {@code other}.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public SseReconnectSettings orElse(SseReconnectSettings other) {
		return new SseReconnectSettings(SettingChecks.pick(this.enabled, other.enabled),
				SettingChecks.pick(this.resetAfter, other.resetAfter), this.policy.orElse(other.policy));
	}

	/**
	 * Check the rules that span several settings. Call on resolved settings.
	 * @throws InvalidSettingException naming the offending key
	 */
	public void checkConsistent() {
		this.policy.checkConsistent(KEY_PREFIX);
	}

	public SseReconnectSettings withEnabled(@Nullable Boolean enabled) {
		return new SseReconnectSettings(enabled, this.resetAfter, this.policy);
	}

	public SseReconnectSettings withDelays(@Nullable Duration initialDelay, @Nullable Duration maxDelay) {
		return withPolicy(this.policy.withDelays(initialDelay, maxDelay));
	}

	public SseReconnectSettings withResetAfter(@Nullable Duration resetAfter) {
		return new SseReconnectSettings(this.enabled, resetAfter, this.policy);
	}

	public SseReconnectSettings withLimits(@Nullable Integer maxAttempts, @Nullable Duration maxElapsed) {
		return withPolicy(this.policy.withLimits(maxAttempts, maxElapsed));
	}

	public SseReconnectSettings withPolicy(ReconnectPolicySettings policy) {
		return new SseReconnectSettings(this.enabled, this.resetAfter, policy);
	}

}
