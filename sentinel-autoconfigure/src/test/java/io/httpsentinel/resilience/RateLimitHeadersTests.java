package io.httpsentinel.resilience;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test per provider's headers and per rule of {@link RateLimitHeaders}: which name
 * wins, how the IETF structured fields are read, and that what cannot be read is skipped.
 */
class RateLimitHeadersTests {

	private static final long SECOND = 1_000_000_000L;

	private static final long MS = 1_000_000L;

	private static final long NOW = RateLimitValues.epochNanos(Instant.parse("2026-12-06T17:30:00Z"));

	private final RateLimitHeaders defaults = RateLimitHeaders.of(AdaptivePacingSettings.DEFAULTS);

	@Test
	void openAi() {
		assertThat(read("x-ratelimit-remaining-requests", "59", "x-ratelimit-reset-requests", "1m0.5s",
				"x-ratelimit-limit-requests", "60"))
			.isEqualTo(new RateLimitQuota(59, NOW + 60 * SECOND + 500 * MS, 60));
	}

	@Test
	void openAiTokenHeadersAreNotRequestCounts() {
		assertThat(read("x-ratelimit-remaining-tokens", "59000", "x-ratelimit-reset-tokens", "6m0s")).isNull();
	}

	@Test
	void anthropic() {
		assertThat(read("anthropic-ratelimit-requests-remaining", "49", "anthropic-ratelimit-requests-reset",
				"2026-12-06T17:30:30Z", "anthropic-ratelimit-requests-limit", "50"))
			.isEqualTo(new RateLimitQuota(49, NOW + 30 * SECOND, 50));
	}

	@Test
	void ietfStructuredFields() {
		assertThat(read("RateLimit", "\"default\";r=50;t=30", "RateLimit-Policy", "\"default\";q=100;w=60"))
			.isEqualTo(new RateLimitQuota(50, NOW + 30 * SECOND, 100));
	}

	@Test
	void ietfStructuredFieldsWithSeveralPoliciesUseTheLowest() {
		assertThat(read("RateLimit", "\"burst\";r=80;t=1, \"daily\";r=5;t=3600", "RateLimit-Policy",
				"\"burst\";q=100;w=1, \"daily\";q=1000;w=86400"))
			.isEqualTo(new RateLimitQuota(5, NOW + 3600 * SECOND, 1000));
	}

	@Test
	void ietfStructuredFieldsSkipUnknownParameters() {
		assertThat(read("RateLimit", "\"default\";pk=:cHsdsRa894=:;r=50;t=30", "RateLimit-Policy",
				"\"default\";q=100;qu=\"requests\";w=60"))
			.isEqualTo(new RateLimitQuota(50, NOW + 30 * SECOND, 100));
	}

	@Test
	void ietfStructuredFieldWithAnEscapedQuoteInItsName() {
		assertThat(read("RateLimit", "\"a\\\"b\";r=3;t=2", "RateLimit-Policy", "\"x\";q=9, \"a\\\"b\";q=10"))
			.isEqualTo(new RateLimitQuota(3, NOW + 2 * SECOND, 10));
	}

	@Test
	void ietfPolicyOfAnotherNameFallsBackToTheFirstPolicy() {
		assertThat(read("RateLimit", "\"default\";r=50;t=30", "RateLimit-Policy", "\"other\";q=100;w=60"))
			.isEqualTo(new RateLimitQuota(50, NOW + 30 * SECOND, 100));
	}

	@Test
	void ietfStructuredFieldWithoutResetUsesThePolicyWindow() {
		assertThat(read("RateLimit", "\"default\";r=50", "RateLimit-Policy", "\"default\";q=100;w=60"))
			.isEqualTo(new RateLimitQuota(50, NOW + 60 * SECOND, 100));
		assertThat(this.defaults.malformedCount()).isZero();
	}

	@Test
	void ietfDraft07Dictionary() {
		assertThat(read("RateLimit", "limit=100, remaining=50, reset=30"))
			.isEqualTo(new RateLimitQuota(50, NOW + 30 * SECOND, RateLimitValues.NONE));
	}

	@Test
	void ietfSeparateFields() {
		assertThat(read("RateLimit-Remaining", "50", "RateLimit-Reset", "30", "RateLimit-Limit", "100"))
			.isEqualTo(new RateLimitQuota(50, NOW + 30 * SECOND, 100));
	}

	@Test
	void ietfSeparateLimitWithAWindowParameter() {
		assertThat(read("RateLimit-Remaining", "50", "RateLimit-Reset", "30", "RateLimit-Limit", "100, 100;w=60"))
			.isEqualTo(new RateLimitQuota(50, NOW + 30 * SECOND, 100));
	}

	@Test
	void commonHeadersWithSecondsUntilTheReset() {
		assertThat(read("x-ratelimit-remaining", "7", "x-ratelimit-reset", "12", "x-ratelimit-limit", "10"))
			.isEqualTo(new RateLimitQuota(7, NOW + 12 * SECOND, 10));
	}

	@Test
	void commonHeadersWithAnEpochReset() {
		assertThat(read("x-ratelimit-remaining", "7", "x-ratelimit-reset", "1796578230")).isEqualTo(new RateLimitQuota(
				7, RateLimitValues.epochNanos(Instant.ofEpochSecond(1796578230)), RateLimitValues.NONE));
	}

	@Test
	void namesAreCaseInsensitive() {
		assertThat(read("X-RateLimit-Remaining", "7", "X-RATELIMIT-RESET", "12"))
			.isEqualTo(new RateLimitQuota(7, NOW + 12 * SECOND, RateLimitValues.NONE));
	}

	@Test
	void limitIsOptional() {
		assertThat(read("x-ratelimit-remaining-requests", "59", "x-ratelimit-reset-requests", "1s"))
			.isEqualTo(new RateLimitQuota(59, NOW + SECOND, RateLimitValues.NONE));
	}

	@Test
	void withoutAResetThereIsNoQuota() {
		assertThat(read("x-ratelimit-remaining-requests", "59", "x-ratelimit-limit-requests", "60")).isNull();
	}

	@Test
	void withoutARemainingCountThereIsNoQuota() {
		assertThat(read("x-ratelimit-reset-requests", "1s", "x-ratelimit-limit-requests", "60")).isNull();
	}

	@Test
	void responseWithoutRateLimitHeadersHasNoQuota() {
		assertThat(read("content-type", "application/json")).isNull();
		assertThat(this.defaults.malformedCount()).isZero();
	}

	@Test
	void firstNamePresentWins() {
		assertThat(read("x-ratelimit-remaining", "7", "x-ratelimit-remaining-requests", "59",
				"x-ratelimit-reset-requests", "1s"))
			.isEqualTo(new RateLimitQuota(59, NOW + SECOND, RateLimitValues.NONE));
	}

	@Test
	void malformedValueIsSkippedForTheNextName() {
		assertThat(read("x-ratelimit-remaining-requests", "lots", "x-ratelimit-remaining", "7",
				"x-ratelimit-reset-requests", "soon", "x-ratelimit-reset", "12"))
			.isEqualTo(new RateLimitQuota(7, NOW + 12 * SECOND, RateLimitValues.NONE));
		assertThat(this.defaults.malformedCount()).isEqualTo(2);
	}

	@Test
	void malformedStructuredFieldIsSkipped() {
		assertThat(
				read("RateLimit", "\"default\";r=many;t=30", "x-ratelimit-remaining", "7", "x-ratelimit-reset", "12"))
			.isEqualTo(new RateLimitQuota(7, NOW + 12 * SECOND, RateLimitValues.NONE));
		// Read twice: for the requests left and for the reset.
		assertThat(this.defaults.malformedCount()).isEqualTo(2);
	}

	@Test
	void malformedLimitLeavesTheLimitUnknown() {
		assertThat(read("x-ratelimit-remaining", "7", "x-ratelimit-reset", "12", "x-ratelimit-limit", "ten"))
			.isEqualTo(new RateLimitQuota(7, NOW + 12 * SECOND, RateLimitValues.NONE));
		assertThat(this.defaults.malformedCount()).isEqualTo(1);
	}

	@Test
	void configuredNamesReplaceTheDefaults() {
		RateLimitHeaders custom = new RateLimitHeaders(List.of("my-left"), List.of("my-reset"), List.of("my-max"));
		HttpHeaders headers = headers("my-left", "3", "my-reset", "250ms", "my-max", "5", "x-ratelimit-remaining",
				"100", "x-ratelimit-reset", "1");
		assertThat(custom.read(headers, NOW)).isEqualTo(new RateLimitQuota(3, NOW + 250 * MS, 5));
	}

	@Test
	void configuredNameMayCarryAnyFormat() {
		RateLimitHeaders custom = new RateLimitHeaders(List.of("quota"), List.of("quota"), List.of("quota-policy"));
		HttpHeaders headers = headers("quota", "\"q\";r=3;t=2", "quota-policy", "\"q\";q=5;w=10");
		assertThat(custom.read(headers, NOW)).isEqualTo(new RateLimitQuota(3, NOW + 2 * SECOND, 5));
	}

	private RateLimitQuota read(String... namesAndValues) {
		return this.defaults.read(headers(namesAndValues), NOW);
	}

	private static HttpHeaders headers(String... namesAndValues) {
		HttpHeaders headers = new HttpHeaders();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			headers.add(namesAndValues[i], namesAndValues[i + 1]);
		}
		return headers;
	}

}
