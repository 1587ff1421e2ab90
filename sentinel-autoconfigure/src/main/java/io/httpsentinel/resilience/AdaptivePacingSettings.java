package io.httpsentinel.resilience;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * Adaptive pacing of one client ({@code rate-limit.adaptive}): the remaining quota and
 * its reset, read from the provider's rate-limit headers, and once the remaining quota
 * runs low, requests spread over the time left to the reset instead of spending it and
 * meeting a 429. Every component may be {@code null}, meaning "inherit".
 *
 * @param enabled whether the client paces from the headers
 * @param threshold fraction of the limit at or below which pacing starts
 * @param remainingHeaders headers holding the remaining requests, the first present wins
 * @param resetHeaders headers holding when the remaining requests are restored
 * @param limitHeaders headers holding the limit of the window
 */
public record AdaptivePacingSettings(@Nullable Boolean enabled, @Nullable Double threshold,
		@Nullable List<String> remainingHeaders, @Nullable List<String> resetHeaders,
		@Nullable List<String> limitHeaders) {

	/**
	 * Settings that inherit everything.
	 */
	public static final AdaptivePacingSettings INHERIT = new AdaptivePacingSettings(null, null, null, null, null);

	/**
	 * Built-in defaults: off; pacing from half the limit; the headers of OpenAI,
	 * Anthropic, the IETF draft and the common {@code x-ratelimit-*} ones.
	 */
	public static final AdaptivePacingSettings DEFAULTS = new AdaptivePacingSettings(false, 0.5,
			List.of("x-ratelimit-remaining-requests", "anthropic-ratelimit-requests-remaining", "ratelimit",
					"ratelimit-remaining", "x-ratelimit-remaining"),
			List.of("x-ratelimit-reset-requests", "anthropic-ratelimit-requests-reset", "ratelimit", "ratelimit-reset",
					"x-ratelimit-reset"),
			List.of("x-ratelimit-limit-requests", "anthropic-ratelimit-requests-limit", "ratelimit-policy",
					"ratelimit-limit", "x-ratelimit-limit"));

	public AdaptivePacingSettings {
		if (threshold != null && !(threshold > 0 && threshold <= 1)) {
			throw new InvalidSettingException("rate-limit.adaptive-threshold", threshold,
					"must be greater than 0 and at most 1");
		}
		remainingHeaders = headers("rate-limit.headers.remaining", remainingHeaders);
		resetHeaders = headers("rate-limit.headers.reset", resetHeaders);
		limitHeaders = headers("rate-limit.headers.limit", limitHeaders);
	}

	private static @Nullable List<String> headers(String key, @Nullable List<String> names) {
		if (names == null) {
			return null;
		}
		if (names.isEmpty() || names.stream().anyMatch((name) -> name == null || name.isBlank())) {
			throw new InvalidSettingException(key, names, "must name at least one header, none blank");
		}
		return List.copyOf(names);
	}

	/**
	 * Whether the client paces from the headers.
	 * @return {@code true} when enabled
	 */
	public boolean isEnabled() {
		return Boolean.TRUE.equals(this.enabled);
	}

	public AdaptivePacingSettings orElse(AdaptivePacingSettings other) {
		return new AdaptivePacingSettings(SettingChecks.pick(this.enabled, other.enabled),
				SettingChecks.pick(this.threshold, other.threshold),
				SettingChecks.pick(this.remainingHeaders, other.remainingHeaders),
				SettingChecks.pick(this.resetHeaders, other.resetHeaders),
				SettingChecks.pick(this.limitHeaders, other.limitHeaders));
	}

}
