package io.httpsentinel.resilience;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.client.pool.TimeoutSettings;
import io.httpsentinel.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link Call} and {@link Pipeline}: the decisions of the attempt loop, on a
 * clock that only the test moves, without a server or a scheduler.
 */
class CallTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private static final URI URI_WITH_QUERY = URI.create("https://api.example.com/v1/models?key=secret");

	private final MutableClock clock = new MutableClock(NOW);

	private final ManualTimeMeter rateLimiterTime = new ManualTimeMeter();

	private final List<AttemptEvent> attempts = new ArrayList<>();

	private long nanos = 1_000_000_000L;

	private RetrySettings retry = RetrySettings.DEFAULTS;

	private TimeoutSettings timeouts = TimeoutSettings.DEFAULTS;

	private RateLimiter rateLimiter = RateLimiter.UNLIMITED;

	private RetryBudget budget = new RetryBudget(0.2, 3);

	private ClientResilience resilience;

	private Pipeline pipeline;

	@Test
	void aCallCountsAsInFlightUntilItEnds() {
		Call call = call(HttpMethod.GET);
		assertThat(this.budget.requestsInFlight()).isOne();
		assertThat(this.resilience.statistics().requests()).isOne();
		call.ended();
		assertThat(this.budget.requestsInFlight()).isZero();
	}

	@Test
	void anAttemptToAPausedHostIsRefused() {
		Call call = call(HttpMethod.GET);
		this.resilience.hostPause().pauseUntil(NOW.plusSeconds(90));
		assertThatExceptionOfType(HostPausedException.class).isThrownBy(call::beforeAttempt)
			.satisfies((ex) -> assertThat(ex.pausedUntil()).isEqualTo(NOW.plusSeconds(90)));
		assertThat(this.resilience.statistics().hostPauseRejections()).isOne();
	}

	@Test
	void anAttemptWaitsForTheRateLimiterAndTheWaitIsCounted() {
		this.rateLimiter = new TokenBucketRateLimiter(1, Duration.ofSeconds(1), 1, this.rateLimiterTime);
		Call call = call(HttpMethod.GET);
		assertThat(call.beforeAttempt()).isZero();
		assertThat(call.beforeAttempt()).isEqualTo(Duration.ofSeconds(1).toNanos());
		assertThat(this.resilience.statistics().rateLimitWaits()).isOne();
	}

	@Test
	void theRateLimitWaitIsBoundedByTheTimeLeftBeforeTheTotalTimeout() {
		this.rateLimiter = new TokenBucketRateLimiter(1, Duration.ofSeconds(1), 1, this.rateLimiterTime);
		this.timeouts = new TimeoutSettings(null, null, null, null, Duration.ofMillis(500), null)
			.orElse(TimeoutSettings.DEFAULTS);
		Call call = call(HttpMethod.GET);
		call.beforeAttempt();
		assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(call::beforeAttempt)
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("longer than the 500ms it may wait"));
		assertThat(this.resilience.statistics().rateLimitRejections()).isOne();
	}

	@Test
	void anAttemptThatEndsByItsOwnTimeoutsBeforeTheDeadlineNeedsNoTimer() {
		Call call = call(HttpMethod.GET);
		assertThat(call.attemptTimeoutNanos(0)).isEqualTo(-1);
	}

	@Test
	void anAttemptThatCouldOutliveTheDeadlineGetsATimerUntilIt() {
		Call call = call(HttpMethod.GET);
		this.nanos += Duration.ofMinutes(9).toNanos();
		assertThat(call.attemptTimeoutNanos(0)).isEqualTo(Duration.ofMinutes(1).toNanos());
	}

	@Test
	void aRateLimitWaitCountsTowardsWhetherAnAttemptNeedsATimer() {
		Call call = call(HttpMethod.GET);
		long almostAll = Duration.ofMinutes(9).toNanos();
		assertThat(call.attemptTimeoutNanos(almostAll)).isEqualTo(Duration.ofMinutes(10).toNanos());
	}

	@Test
	void aRetryableStatusIsRetriedAfterTheBackoffWithinTheBudget() {
		Call call = call(HttpMethod.GET);
		RetryDecision decision = call.afterResponse(503, new HttpHeaders(), true);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.delay()).isEqualTo(Duration.ofMillis(500));
		assertThat(decision.reason()).isEqualTo("status-503");
		assertThat(this.budget.retriesInFlight()).isOne();
		assertThat(this.resilience.statistics().retries(RetryReason.STATUS)).isOne();
	}

	@Test
	void theBackoffGrowsWithTheAttemptsOfTheCall() {
		Call call = call(HttpMethod.GET);
		call.afterResponse(503, new HttpHeaders(), true);
		call.retryAttemptEnded();
		assertThat(call.afterResponse(503, new HttpHeaders(), true).delay()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void aRetryGivesItsBudgetSlotBackOnlyOnce() {
		this.budget = new RetryBudget(0.2, 3);
		Call first = call(HttpMethod.GET);
		Call second = call(HttpMethod.GET);
		first.afterResponse(503, new HttpHeaders(), true);
		second.afterResponse(503, new HttpHeaders(), true);
		first.retryAttemptEnded();
		first.retryAttemptEnded();
		assertThat(this.budget.retriesInFlight()).isOne();
	}

	@Test
	void aRetryIsNotTakenWhenItsDelayReachesTheDeadline() {
		Call call = call(HttpMethod.GET);
		this.nanos += Duration.ofMinutes(10).minusMillis(400).toNanos();
		RetryDecision decision = call.afterResponse(503, new HttpHeaders(), true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("deadline");
		assertThat(this.budget.retriesInFlight()).isZero();
	}

	@Test
	void aRetryIsNotTakenWhenTheBudgetIsSpent() {
		this.budget = new RetryBudget(0.2, 0);
		Call call = call(HttpMethod.GET);
		RetryDecision decision = call.afterResponse(503, new HttpHeaders(), true);
		assertThat(decision.retry()).isFalse();
		assertThat(decision.reason()).isEqualTo("budget-exhausted");
		assertThat(this.budget.exhaustedCount()).isOne();
	}

	@Test
	void aShortRetryAfterIsWaitedFor() {
		Call call = call(HttpMethod.GET);
		RetryDecision decision = call.afterResponse(429, retryAfter("2"), true);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.delay()).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.resilience.statistics().retries(RetryReason.RETRY_AFTER)).isOne();
	}

	@Test
	void aLongRetryAfterPausesTheHostInsteadOfRetrying() {
		Call call = call(HttpMethod.GET);
		RetryDecision decision = call.afterResponse(429, retryAfter("120"), true);
		assertThat(decision.retry()).isFalse();
		assertThat(this.resilience.hostPause().pausedUntil()).contains(NOW.plusSeconds(120));
		assertThat(this.resilience.statistics().hostPauses()).isOne();
	}

	@Test
	void aPostThatGotAResponseIsNotRetried() {
		Call call = call(HttpMethod.POST);
		assertThat(call.afterResponse(503, new HttpHeaders(), true).reason()).isEqualTo("non-idempotent");
	}

	@Test
	void aPostThatNeverReachedTheServerIsRetried() {
		Call call = call(HttpMethod.POST);
		RetryDecision decision = call.afterError(new ConnectException("refused"), true);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.reason()).isEqualTo("connect");
	}

	@Test
	void aRequestBodyThatCannotBeSentAgainIsNotRetried() {
		Call call = call(HttpMethod.PUT);
		assertThat(call.afterError(new ConnectException("refused"), false).reason()).isEqualTo("body-not-replayable");
	}

	@Test
	void aSuccessEndsTheCallWithItsLatency() {
		Call call = call(HttpMethod.GET);
		this.nanos += Duration.ofMillis(250).toNanos();
		assertThat(call.afterResponse(200, new HttpHeaders(), true).retry()).isFalse();
		PipelineStatistics statistics = this.resilience.statistics();
		assertThat(statistics.successes()).isOne();
		assertThat(statistics.latency().calls()).isOne();
		assertThat(statistics.latency().max()).isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void anErrorStatusOrAnErrorEndsTheCallAsAFailure() {
		call(HttpMethod.GET).afterResponse(404, new HttpHeaders(), true);
		call(HttpMethod.GET).afterError(new IllegalStateException("bug"), true);
		assertThat(this.resilience.statistics().failures()).isEqualTo(2);
		assertThat(this.resilience.statistics().successes()).isZero();
	}

	@Test
	void listenersHearEveryAttemptWithItsNumberAndThePathWithoutQuery() {
		Call call = call(HttpMethod.GET);
		call.afterResponse(503, new HttpHeaders(), true);
		call.retryAttemptEnded();
		call.afterResponse(200, new HttpHeaders(), true);
		assertThat(this.attempts).extracting(AttemptEvent::attempt).containsExactly(1, 2);
		assertThat(this.attempts).extracting(AttemptEvent::status).containsExactly(503, 200);
		assertThat(this.attempts).extracting(AttemptEvent::path).containsOnly("/v1/models");
		assertThat(this.attempts).extracting(AttemptEvent::clientName).containsOnly("upstream");
	}

	@Test
	void aCallsOwnListenerIsToldAfterTheClientsListeners() {
		RetryListener own = (event) -> {
		};
		Pipeline pipeline = newPipeline();
		assertThat(pipeline.listeners(own)).hasSize(2).endsWith(own);
		assertThat(pipeline.listeners("not a listener")).hasSize(1);
		assertThat(pipeline.listeners(null)).hasSize(1);
	}

	@Test
	void anIdempotencyKeyIsAddedOnlyWhenConfiguredAndNotSetByTheCaller() {
		assertThat(newPipeline().missingIdempotencyKeyHeader(new HttpHeaders())).isNull();
		this.retry = RetrySettings.DEFAULTS.withIdempotencyKeyHeader("Idempotency-Key");
		Pipeline pipeline = newPipeline();
		assertThat(pipeline.missingIdempotencyKeyHeader(new HttpHeaders())).isEqualTo("Idempotency-Key");
		HttpHeaders set = new HttpHeaders();
		set.set("idempotency-key", "mine");
		assertThat(pipeline.missingIdempotencyKeyHeader(set)).isNull();
		assertThat(Pipeline.newIdempotencyKey()).isNotEqualTo(Pipeline.newIdempotencyKey());
	}

	@Test
	void aBodyOverTheSizeLimitFailsWithResponseTooLarge() {
		Throwable error = newPipeline().bodyFailed(new DataBufferLimitException("too big"));
		assertThat(error).isInstanceOf(ResponseTooLargeException.class);
		assertThat(((ResponseTooLargeException) error).limit()).isEqualTo(DataSize.ofMegabytes(10));
		IllegalStateException other = new IllegalStateException("other");
		assertThat(newPipeline().bodyFailed(other)).isSameAs(other);
	}

	@Test
	void streamsAreRecognizedByTheirContentType() {
		assertThat(StreamingContentTypes.isStream("text/event-stream;charset=UTF-8")).isTrue();
		assertThat(StreamingContentTypes.isStream("application/X-NDJSON")).isTrue();
		assertThat(StreamingContentTypes.isStream("application/json")).isFalse();
		assertThat(StreamingContentTypes.isStream(null)).isFalse();
	}

	@Test
	void streamingSubtypesAreFoundAnywhereInTheContentTypeInAnyCase() {
		assertThat(StreamingContentTypes.isStream("TEXT/EVENT-STREAM")).isTrue();
		assertThat(StreamingContentTypes.isStream("application/vnd.example.Stream+Json; q=1")).isTrue();
		assertThat(StreamingContentTypes.isStream("application/JSON-SEQ")).isTrue();
		assertThat(StreamingContentTypes.isStream("application/x-jsonl")).isTrue();
		assertThat(StreamingContentTypes.isStream("ndjson")).isTrue();
		// Ends one character short of a streaming subtype.
		assertThat(StreamingContentTypes.isStream("application/x-ndjso")).isFalse();
		assertThat(StreamingContentTypes.isStream("text/event-strea")).isFalse();
		assertThat(StreamingContentTypes.isStream("")).isFalse();
	}

	@Test
	void theTotalTimeoutCoversAStreamedBodyOnlyWhenConfigured() {
		assertThat(newPipeline().totalTimeoutCoversBody(false)).isTrue();
		assertThat(newPipeline().totalTimeoutCoversBody(true)).isFalse();
		this.timeouts = new TimeoutSettings(null, null, null, null, null, true).orElse(TimeoutSettings.DEFAULTS);
		assertThat(newPipeline().totalTimeoutCoversBody(true)).isTrue();
	}

	@Test
	void theTotalTimeoutErrorNamesTheClientAndItsTimeout() {
		assertThat(newPipeline().totalTimeout().getMessage()).contains("upstream").contains("(10m)");
	}

	private static HttpHeaders retryAfter(String value) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, value);
		return headers;
	}

	private Pipeline newPipeline() {
		this.resilience = new ClientResilience(new RetryPolicy(this.retry, this.clock, () -> 0.0), this.budget,
				ClientCircuitBreaker.disabled(), this.rateLimiter, new HostPauseGate(this.clock),
				new PipelineStatistics(() -> this.nanos, this.budget), null, null);
		PipelineSettings settings = new PipelineSettings(this.retry, CircuitBreakerSettings.DEFAULTS,
				RateLimitSettings.DEFAULTS, this.timeouts, Duration.ofSeconds(45), DataSize.ofMegabytes(10));
		return new Pipeline("upstream", settings, this.resilience, List.of(this.attempts::add));
	}

	private Call call(HttpMethod method) {
		if (this.pipeline == null) {
			this.pipeline = newPipeline();
		}
		return new TestCall(this.pipeline, method);
	}

	/**
	 * A call on the test's clock.
	 */
	private final class TestCall extends Call {

		TestCall(Pipeline pipeline, HttpMethod method) {
			super(pipeline, method, URI_WITH_QUERY, pipeline.listeners(null), CallTests.this.nanos);
		}

		@Override
		long nowNanos() {
			return CallTests.this.nanos;
		}

	}

}
