package io.httpsentinel.sse;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * How a forwarded SSE stream resumes its upstream after a failure, while its downstream
 * client stays connected. A run of reconnects in a row ends with a new event; its pace
 * and bounds are a {@link ReconnectPolicySettings}, the shape shared with
 * {@link SseReconnectSettings}. Every component may be {@code null}, meaning "inherit".
 *
 * @param enabled whether to resume at all (a call may still opt in or out); off by
 * default, since a POST-based LLM stream cannot be resumed
 * @param policy delays and limits of reconnects in a row: the upstream's {@code retry:}
 * field or initial delay doubling up to the max delay; at most max attempts in a row
 * without a new event ({@code -1} for no limit), within max elapsed counted from the
 * failure ({@code 0} for no limit)
 */
public record SseResumeSettings(@Nullable Boolean enabled, ReconnectPolicySettings policy) {

	static final String KEY_PREFIX = "sse.resume";

	/**
	 * Built-in defaults: off; when on, at most 5 reconnects in a row within 60s, starting
	 * after 250ms and doubling up to 5s. The time budget outlasts the circuit breaker's
	 * default 30s open state: a reconnect it refuses is not one of the 5, and the stream
	 * waits for it to let a reconnect through.
	 */
	public static final SseResumeSettings DEFAULTS = new SseResumeSettings(false,
			ReconnectPolicySettings.builder()
				.initialDelay(Duration.ofMillis(250))
				.maxDelay(Duration.ofSeconds(5))
				.maxAttempts(5)
				.maxElapsed(Duration.ofSeconds(60))
				.build());

	/**
	 * Settings that inherit everything.
	 */
	public static final SseResumeSettings INHERIT = new SseResumeSettings(null, ReconnectPolicySettings.INHERIT);

	public SseResumeSettings {
		policy.check(KEY_PREFIX);
	}

	/**
	 * Most reconnects in a row without a new event before giving up; {@code -1} for no
	 * limit.
	 * @return the limit of the {@link #policy()}
	 */
	public @Nullable Integer maxAttempts() {
		return this.policy.maxAttempts();
	}

	/**
	 * Longest time spent resuming in a row, from the failure; {@code 0} for no limit.
	 * @return the time budget of the {@link #policy()}
	 */
	public @Nullable Duration maxElapsed() {
		return this.policy.maxElapsed();
	}

	/**
	 * Delay before the first reconnect, unless the upstream sent a {@code retry:} field.
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
	 * Return settings where every {@code null} component is taken from {@code other}.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public SseResumeSettings orElse(SseResumeSettings other) {
		return new SseResumeSettings(SettingChecks.pick(this.enabled, other.enabled), this.policy.orElse(other.policy));
	}

	/**
	 * Check the rules that span several settings. Call on resolved settings.
	 * @throws InvalidSettingException naming the offending key
	 */
	public void checkConsistent() {
		this.policy.checkConsistent(KEY_PREFIX);
	}

	public SseResumeSettings withEnabled(@Nullable Boolean enabled) {
		return new SseResumeSettings(enabled, this.policy);
	}

	public SseResumeSettings withLimits(@Nullable Integer maxAttempts, @Nullable Duration maxElapsed) {
		return withPolicy(this.policy.withLimits(maxAttempts, maxElapsed));
	}

	public SseResumeSettings withDelays(@Nullable Duration initialDelay, @Nullable Duration maxDelay) {
		return withPolicy(this.policy.withDelays(initialDelay, maxDelay));
	}

	public SseResumeSettings withPolicy(ReconnectPolicySettings policy) {
		return new SseResumeSettings(this.enabled, policy);
	}

}
