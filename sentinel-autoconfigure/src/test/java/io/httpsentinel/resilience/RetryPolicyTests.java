package io.httpsentinel.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryPolicy}.
 */
class RetryPolicyTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private static final double ALMOST_ONE = Math.nextDown(1.0);

	private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

	private final RetryPolicy policy = policy(RetrySettings.DEFAULTS, 0.0);

	@ParameterizedTest
	@ValueSource(ints = { 408, 429, 500, 502, 503, 504, 529 })
	void defaultRetryableStatusesAreRetriedForGet(int status) {
		RetryDecision decision = this.policy.afterResponse(1, HttpMethod.GET, status, new HttpHeaders(), true);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.reason()).isEqualTo("status-" + status);
		assertThat(decision.pauseHostUntil()).isNull();
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 401, 404, 409, 501 })
	void otherErrorStatusesAreNotRetried(int status) {
		RetryDecision decision = this.policy.afterResponse(1, HttpMethod.GET, status, new HttpHeaders(), true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("status-not-retryable");
	}

	@ParameterizedTest
	@ValueSource(ints = { 200, 201, 204 })
	void successIsNotRetried(int status) {
		RetryDecision decision = this.policy.afterResponse(1, HttpMethod.GET, status, new HttpHeaders(), true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("success");
	}

	@Test
	void givingUpMeansNoDelayAndNoPause() {
		RetryDecision decision = this.policy.afterResponse(1, HttpMethod.GET, 404, new HttpHeaders(), true);
		assertThat(decision.delay()).isZero();
		assertThat(decision.pauseHostUntil()).isNull();
	}

	@Test
	void configuredStatusesReplaceTheDefaults() {
		RetryPolicy policy = policy(RetrySettings.DEFAULTS.withStatuses(Set.of(409)), 0.0);
		assertThat(policy.afterResponse(1, HttpMethod.GET, 409, new HttpHeaders(), true).retry()).isTrue();
		assertThat(policy.afterResponse(1, HttpMethod.GET, 503, new HttpHeaders(), true).retry()).isFalse();
	}

	@Test
	void shouldRetryFalseStopsA503() {
		RetryDecision decision = this.policy.afterResponse(1, HttpMethod.GET, 503, headers("x-should-retry", "false"),
				true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("server-said-no");
	}

	@Test
	void shouldRetryTrueRetriesA409() {
		RetryDecision decision = this.policy.afterResponse(1, HttpMethod.GET, 409, headers("x-should-retry", "true"),
				true);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.reason()).isEqualTo("status-409");
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET", "HEAD", "PUT", "DELETE", "OPTIONS" })
	void idempotentMethodsAreRetriedAfterAResponse(String method) {
		RetryDecision decision = this.policy.afterResponse(1, HttpMethod.valueOf(method), 503, new HttpHeaders(), true);
		assertThat(decision.retry()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "POST", "PATCH" })
	void nonIdempotentMethodsAreNotRetriedAfterAResponseByDefault(String method) {
		RetryDecision decision = this.policy.afterResponse(1, HttpMethod.valueOf(method), 503, new HttpHeaders(), true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("non-idempotent");
	}

	@Test
	void postIsRetriedAfterAResponseWhenNonIdempotentRetriesAreOn() {
		RetryPolicy policy = policy(RetrySettings.DEFAULTS.withNonIdempotent(true), 0.0);
		RetryDecision decision = policy.afterResponse(1, HttpMethod.POST, 503, new HttpHeaders(), true);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.reason()).isEqualTo("status-503");
	}

	@ParameterizedTest
	@EnumSource(names = { "CONNECT", "POOL_ACQUIRE_TIMEOUT", "TLS_HANDSHAKE_TIMEOUT", "REFUSED_STREAM" })
	void postIsRetriedWhenItNeverReachedTheServer(FailureKind kind) {
		RetryDecision decision = this.policy.afterError(1, HttpMethod.POST, kind, true);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.reason()).isEqualTo(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
	}

	@ParameterizedTest
	@EnumSource(names = { "RESPONSE_HEADERS_TIMEOUT", "RESET_BEFORE_RESPONSE" })
	void postIsNotRetriedWhenTheServerMayHaveProcessedIt(FailureKind kind) {
		RetryDecision decision = this.policy.afterError(1, HttpMethod.POST, kind, true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("non-idempotent");
	}

	@Test
	void postIsRetriedAfterAResponseHeadersTimeoutWhenNonIdempotentRetriesAreOn() {
		RetryPolicy policy = policy(RetrySettings.DEFAULTS.withNonIdempotent(true), 0.0);
		assertThat(policy.afterError(1, HttpMethod.POST, FailureKind.RESPONSE_HEADERS_TIMEOUT, true).retry()).isTrue();
	}

	@Test
	void getIsRetriedAfterAResponseHeadersTimeout() {
		RetryDecision decision = this.policy.afterError(1, HttpMethod.GET, FailureKind.RESPONSE_HEADERS_TIMEOUT, true);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.reason()).isEqualTo("response-headers-timeout");
		assertThat(decision.delay()).isEqualTo(Duration.ofMillis(500));
	}

	@ParameterizedTest
	@EnumSource(names = { "OTHER", "REJECTED_LOCALLY" })
	void localRejectionsAndUnknownErrorsAreNeverRetried(FailureKind kind) {
		RetryPolicy policy = policy(RetrySettings.DEFAULTS.withNonIdempotent(true), 0.0);
		RetryDecision decision = policy.afterError(1, HttpMethod.GET, kind, true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("error-not-retryable");
	}

	@Test
	void bodyThatCannotBeReplayedIsNotRetriedAfterAResponse() {
		RetryDecision decision = this.policy.afterResponse(1, HttpMethod.PUT, 503, new HttpHeaders(), false);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("body-not-replayable");
	}

	@Test
	void bodyThatCannotBeReplayedIsNotRetriedAfterAnError() {
		RetryDecision decision = this.policy.afterError(1, HttpMethod.POST, FailureKind.CONNECT, false);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("body-not-replayable");
	}

	@Test
	void attemptsUpToMaxRetriesAreRetried() {
		assertThat(this.policy.afterResponse(1, HttpMethod.GET, 503, new HttpHeaders(), true).retry()).isTrue();
		assertThat(this.policy.afterResponse(2, HttpMethod.GET, 503, new HttpHeaders(), true).retry()).isTrue();
	}

	@Test
	void attemptAfterMaxRetriesIsNotRetriedAfterAResponse() {
		RetryDecision decision = this.policy.afterResponse(3, HttpMethod.GET, 503, new HttpHeaders(), true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("max-retries");
	}

	@Test
	void attemptAfterMaxRetriesIsNotRetriedAfterAnError() {
		assertThat(this.policy.afterError(2, HttpMethod.GET, FailureKind.CONNECT, true).retry()).isTrue();
		RetryDecision decision = this.policy.afterError(3, HttpMethod.GET, FailureKind.CONNECT, true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("max-retries");
	}

	@Test
	void zeroMaxRetriesDisablesRetrying() {
		RetryPolicy policy = policy(RetrySettings.DEFAULTS.withMaxRetries(0), 0.0);
		RetryDecision decision = policy.afterResponse(1, HttpMethod.GET, 503, new HttpHeaders(), true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("max-retries");
	}

	@Test
	void backoffGrowsWithEachAttempt() {
		RetryPolicy policy = policy(RetrySettings.DEFAULTS.withMaxRetries(10), 0.0);
		assertThat(policy.afterResponse(1, HttpMethod.GET, 503, new HttpHeaders(), true).delay())
			.isEqualTo(Duration.ofMillis(500));
		assertThat(policy.afterResponse(2, HttpMethod.GET, 503, new HttpHeaders(), true).delay())
			.isEqualTo(Duration.ofSeconds(1));
		assertThat(policy.afterResponse(3, HttpMethod.GET, 503, new HttpHeaders(), true).delay())
			.isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void backoffIsJitteredDownwards() {
		RetryDecision decision = policy(RetrySettings.DEFAULTS, ALMOST_ONE).afterResponse(1, HttpMethod.GET, 503,
				new HttpHeaders(), true);
		assertThat(decision.delay()).isBetween(Duration.ofMillis(250), Duration.ofMillis(500))
			.isCloseTo(Duration.ofMillis(250), Duration.ofMillis(1));
	}

	@ParameterizedTest
	@ValueSource(ints = { 429, 503 })
	void retryAfterIsHonouredNeverEarly(int status) {
		for (double random : new double[] { 0.0, 0.5, ALMOST_ONE }) {
			RetryDecision decision = policy(RetrySettings.DEFAULTS, random).afterResponse(1, HttpMethod.GET, status,
					headers(HttpHeaders.RETRY_AFTER, "5"), true);
			assertThat(decision.retry()).isTrue();
			assertThat(decision.reason()).isEqualTo("retry-after");
			assertThat(decision.delay()).isBetween(Duration.ofSeconds(5), Duration.ofMillis(5500));
		}
	}

	@Test
	void retryAfterJitterIsAtMostOneSecond() {
		RetryDecision decision = policy(RetrySettings.DEFAULTS, ALMOST_ONE).afterResponse(1, HttpMethod.GET, 429,
				headers(HttpHeaders.RETRY_AFTER, "30"), true);
		assertThat(decision.delay()).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(31));
	}

	@Test
	void retryAfterMsIsHonoured() {
		RetryDecision decision = policy(RetrySettings.DEFAULTS, ALMOST_ONE).afterResponse(1, HttpMethod.GET, 429,
				headers("retry-after-ms", "150"), true);
		assertThat(decision.reason()).isEqualTo("retry-after");
		assertThat(decision.delay()).isBetween(Duration.ofMillis(150), Duration.ofMillis(165));
	}

	@Test
	void retryAfterAtTheLimitIsWaitedFor() {
		RetryDecision decision = this.policy.afterResponse(1, HttpMethod.GET, 503,
				headers(HttpHeaders.RETRY_AFTER, "60"), true);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.pauseHostUntil()).isNull();
		assertThat(decision.delay()).isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void retryAfterBeyondTheLimitPausesTheHostInsteadOfRetrying() {
		RetryDecision decision = this.policy.afterResponse(1, HttpMethod.GET, 503,
				headers(HttpHeaders.RETRY_AFTER, "120"), true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("retry-after-too-long");
		assertThat(decision.pauseHostUntil()).isEqualTo(NOW.plusSeconds(120));
	}

	@Test
	void retryAfterLimitIsConfigurable() {
		RetryPolicy policy = policy(RetrySettings.DEFAULTS.withMaxRetryAfter(Duration.ofSeconds(2)), 0.0);
		RetryDecision decision = policy.afterResponse(1, HttpMethod.GET, 429, headers(HttpHeaders.RETRY_AFTER, "3"),
				true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.pauseHostUntil()).isEqualTo(NOW.plusSeconds(3));
	}

	@Test
	void retryAfterIsIgnoredOnOtherStatuses() {
		RetryDecision decision = this.policy.afterResponse(1, HttpMethod.GET, 500,
				headers(HttpHeaders.RETRY_AFTER, "5"), true);
		assertThat(decision.reason()).isEqualTo("status-500");
		assertThat(decision.delay()).isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void longRetryAfterOnOtherStatusesDoesNotPauseTheHost() {
		RetryDecision decision = this.policy.afterResponse(1, HttpMethod.GET, 500,
				headers(HttpHeaders.RETRY_AFTER, "120"), true);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.pauseHostUntil()).isNull();
	}

	@Test
	void instantRetriesKeepEveryDecisionAndDropEveryWait() {
		RetryPolicy policy = policy(RetrySettings.DEFAULTS.withInstant(true), ALMOST_ONE);
		RetryDecision backoff = policy.afterResponse(2, HttpMethod.GET, 500, new HttpHeaders(), true);
		assertThat(backoff.retry()).isTrue();
		assertThat(backoff.reason()).isEqualTo("status-500");
		assertThat(backoff.delay()).isZero();
		RetryDecision retryAfter = policy.afterResponse(1, HttpMethod.GET, 503, headers(HttpHeaders.RETRY_AFTER, "60"),
				true);
		assertThat(retryAfter.reason()).isEqualTo("retry-after");
		assertThat(retryAfter.delay()).isZero();
		assertThat(policy.afterError(1, HttpMethod.GET, FailureKind.CONNECT, true).delay()).isZero();
		assertThat(policy.afterResponse(3, HttpMethod.GET, 500, new HttpHeaders(), true).reason())
			.isEqualTo("max-retries");
	}

	@Test
	void instantRetriesEndAHostPauseAtOnce() {
		RetryPolicy policy = policy(RetrySettings.DEFAULTS.withInstant(true), 0.0);
		RetryDecision decision = policy.afterResponse(1, HttpMethod.GET, 503, headers(HttpHeaders.RETRY_AFTER, "120"),
				true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("retry-after-too-long");
		assertThat(decision.pauseHostUntil()).isEqualTo(NOW);
	}

	private RetryPolicy policy(RetrySettings settings, double random) {
		return new RetryPolicy(settings, this.clock, () -> random);
	}

	private static HttpHeaders headers(String name, String value) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(name, value);
		return headers;
	}

}
