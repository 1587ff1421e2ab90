package io.httpsentinel.sse;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * How a forwarded SSE stream resumes its upstream after a failure, while its downstream
 * client stays connected. Every component may be {@code null}, meaning "inherit".
 *
 * @param enabled whether to resume at all (a call may still opt in or out); off by
 * default, since a POST-based LLM stream cannot be resumed
 * @param maxAttempts most reconnects in a row without a new event before giving up;
 * {@code -1} for no limit
 * @param maxElapsed longest time spent resuming in a row, from the failure: a reconnect
 * whose delay would end past it is not made; {@code 0} for no limit
 * @param initialDelay delay before the first reconnect, unless the upstream sent a
 * {@code retry:} field, whose value then takes its place
 * @param maxDelay cap of the delay as it doubles over failed reconnects in a row; a
 * {@code retry:} above it is still honoured
 */
public record SseResumeSettings(@Nullable Boolean enabled, @Nullable Integer maxAttempts, @Nullable Duration maxElapsed,
		@Nullable Duration initialDelay, @Nullable Duration maxDelay) {

	/**
	 * Built-in defaults: off; when on, at most 5 reconnects in a row within 30s, starting
	 * after 250ms and doubling up to 5s.
	 */
	public static final SseResumeSettings DEFAULTS = new SseResumeSettings(false, 5, Duration.ofSeconds(30),
			Duration.ofMillis(250), Duration.ofSeconds(5));

	/**
	 * Settings that inherit everything.
	 */
	public static final SseResumeSettings INHERIT = new SseResumeSettings(null, null, null, null, null);

	public SseResumeSettings {
		if (maxAttempts != null && maxAttempts < -1) {
			throw new InvalidSettingException("sse.resume.max-attempts", maxAttempts,
					"must be -1 (no limit) or at least 0");
		}
		SettingChecks.notNegative("sse.resume.max-elapsed", maxElapsed);
		SettingChecks.positive("sse.resume.initial-delay", initialDelay);
		SettingChecks.positive("sse.resume.max-delay", maxDelay);
	}

	/**
	 * Return settings where every {@code null} component is taken from {@code other}.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public SseResumeSettings orElse(SseResumeSettings other) {
		return new SseResumeSettings(SettingChecks.pick(this.enabled, other.enabled),
				SettingChecks.pick(this.maxAttempts, other.maxAttempts),
				SettingChecks.pick(this.maxElapsed, other.maxElapsed),
				SettingChecks.pick(this.initialDelay, other.initialDelay),
				SettingChecks.pick(this.maxDelay, other.maxDelay));
	}

	/**
	 * Check the rules that span several settings. Call on resolved settings.
	 * @throws InvalidSettingException naming the offending key
	 */
	public void checkConsistent() {
		if (this.maxDelay != null && this.initialDelay != null && this.maxDelay.compareTo(this.initialDelay) < 0) {
			throw new InvalidSettingException("sse.resume.max-delay", this.maxDelay,
					"must not be shorter than sse.resume.initial-delay (" + this.initialDelay + ")");
		}
	}

	public SseResumeSettings withEnabled(@Nullable Boolean enabled) {
		return new SseResumeSettings(enabled, this.maxAttempts, this.maxElapsed, this.initialDelay, this.maxDelay);
	}

	public SseResumeSettings withLimits(@Nullable Integer maxAttempts, @Nullable Duration maxElapsed) {
		return new SseResumeSettings(this.enabled, maxAttempts, maxElapsed, this.initialDelay, this.maxDelay);
	}

	public SseResumeSettings withDelays(@Nullable Duration initialDelay, @Nullable Duration maxDelay) {
		return new SseResumeSettings(this.enabled, this.maxAttempts, this.maxElapsed, initialDelay, maxDelay);
	}

}
