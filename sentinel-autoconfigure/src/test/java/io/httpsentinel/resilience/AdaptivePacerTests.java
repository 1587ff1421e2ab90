package io.httpsentinel.resilience;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import io.httpsentinel.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AdaptivePacer} on a clock that only moves when told, with the local
 * schedule: when it paces, how it spreads what is left, and how responses move its count.
 */
class AdaptivePacerTests {

	private static final long SECOND = 1_000_000_000L;

	private static final long MINUTE = 60 * SECOND;

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T17:30:00Z"));

	private final AdaptivePacer pacer = pacer(RateLimiter.UNLIMITED);

	@Test
	void noPacingBeforeAnyResponse() {
		for (int i = 0; i < 100; i++) {
			assertThat(this.pacer.reserve(0)).isZero();
		}
	}

	@Test
	void noPacingWhileTheRemainingQuotaIsAboveTheThreshold() {
		respond(200, 60, "60s", 100);
		for (int i = 0; i < 10; i++) {
			assertThat(this.pacer.reserve(0)).isZero();
		}
	}

	@Test
	void pacingStartsWhenTheRemainingQuotaReachesTheThreshold() {
		respond(200, 60, "60s", 100);
		for (int i = 0; i < 10; i++) {
			this.pacer.reserve(MINUTE);
		}
		// 50 left of 100: the first of them goes now, the next one 60s / 50 later.
		assertThat(this.pacer.reserve(MINUTE)).isZero();
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(1200 * 1_000_000L);
	}

	@Test
	void lowRemainingQuotaIsSpreadEvenlyOverTheTimeToTheReset() {
		respond(200, 10, "10s", 100);
		for (int i = 0; i < 10; i++) {
			assertThat(this.pacer.reserve(MINUTE)).isEqualTo(i * SECOND);
		}
	}

	@Test
	void spreadFollowsTheClock() {
		respond(200, 10, "10s", 100);
		this.pacer.reserve(MINUTE);
		this.clock.advance(Duration.ofMillis(400));
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(600 * 1_000_000L);
	}

	@Test
	void nothingGoesBeforeTheResetOnceTheQuotaIsSpent() {
		respond(200, 10, "10s", 100);
		for (int i = 0; i < 10; i++) {
			this.pacer.reserve(MINUTE);
		}
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(10 * SECOND);
	}

	@Test
	void nothingLeftMeansWaitingForTheReset() {
		respond(200, 0, "5s", 100);
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(5 * SECOND);
	}

	@Test
	void tooManyRequestsWithNothingLeftMeansWaitingForTheReset() {
		respond(429, 0, "5s", 100);
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(5 * SECOND);
	}

	@Test
	void theViewShowsTheQuotaStatedAndTheRequestsPacedAndRefused() {
		assertThat(this.pacer.remaining()).isEmpty();
		assertThat(this.pacer.reset()).isEmpty();
		respond(200, 2, "10s", 100);
		assertThat(this.pacer.remaining()).hasValue(2);
		assertThat(this.pacer.reset()).hasValue(this.clock.instant().plusSeconds(10));
		assertThat(this.pacer.reserve(MINUTE)).isZero();
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(5 * SECOND);
		assertThat(this.pacer.reserve(SECOND)).isEqualTo(RateLimiter.REFUSED);
		assertThat(this.pacer.remaining()).hasValue(0);
		assertThat(this.pacer.pacedRequests()).isOne();
		assertThat(this.pacer.refusedRequests()).isOne();
		assertThat(this.pacer.share()).isEqualTo(1.0);
		assertThat(this.pacer.sharedSchedule()).isFalse();
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(this.pacer.remaining()).isEmpty();
		assertThat(this.pacer.reset()).isEmpty();
	}

	@Test
	void waitLongerThanTheMaxWaitIsRefused() {
		respond(200, 0, "5s", 100);
		assertThat(this.pacer.reserve(SECOND)).isEqualTo(RateLimiter.REFUSED);
	}

	@Test
	void refusedRequestIsNotCounted() {
		respond(200, 2, "10s", 100);
		this.pacer.reserve(MINUTE);
		assertThat(this.pacer.reserve(SECOND)).isEqualTo(RateLimiter.REFUSED);
		// Still one left for the second slot, 10s / 2 after the first.
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(5 * SECOND);
	}

	@Test
	void estimatedWaitIsTheTimeToTheResetWhenNothingIsLeft() {
		respond(200, 0, "5s", 100);
		assertThat(this.pacer.estimateWaitNanos()).isEqualTo(5 * SECOND);
	}

	@Test
	void pastTheResetWithNoNewerResponseRequestsGoAtTheQuotasPace() {
		respond(200, 0, "5s", 100);
		this.clock.advance(Duration.ofSeconds(5));
		// What came back at least: the window (5s) over the limit (100), one per 50ms.
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(50 * 1_000_000L);
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(100 * 1_000_000L);
		// A response of the new window tells the quota again: no pacing above the
		// threshold.
		respond(200, 98, "5s", 100);
		assertThat(this.pacer.reserve(0)).isZero();
	}

	@Test
	void withoutALimitTheLargestRemainingSeenStandsForIt() {
		respond(200, 20, "10s", -1);
		assertThat(this.pacer.reserve(MINUTE)).isZero();
		assertThat(this.pacer.reserve(MINUTE)).isZero();
		respond(200, 10, "10s", -1);
		// 10 left of (about) 20: paced.
		assertThat(this.pacer.reserve(MINUTE)).isZero();
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(SECOND);
	}

	@Test
	void responseOfTheSameWindowNeverRaisesTheCount() {
		respond(200, 10, "10s", 100);
		for (int i = 0; i < 5; i++) {
			this.pacer.reserve(MINUTE);
		}
		// The answer to the first request, sent before the four others.
		respond(200, 9, "10s", 100);
		this.clock.advance(Duration.ofSeconds(5));
		// 5 left over the 5s to the reset.
		assertThat(this.pacer.reserve(MINUTE)).isZero();
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(SECOND);
	}

	@Test
	void responseOfTheSameWindowLowersTheCount() {
		respond(200, 10, "10s", 100);
		// Other replicas spent most of it.
		respond(200, 2, "10s", 100);
		assertThat(this.pacer.reserve(MINUTE)).isZero();
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(5 * SECOND);
	}

	@Test
	void responseOfALaterWindowReplacesTheCount() {
		respond(200, 0, "5s", 100);
		respond(200, 100, "65s", 100);
		assertThat(this.pacer.reserve(0)).isZero();
	}

	@Test
	void responseAboutAWindowAlreadyOverIsIgnored() {
		respond(200, 0, "5s", 100);
		HttpHeaders late = headers(0, "0", 100);
		this.pacer.onResponse(200, late);
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(5 * SECOND);
	}

	@Test
	void responseWithoutRateLimitHeadersChangesNothing() {
		respond(200, 0, "5s", 100);
		this.pacer.onResponse(200, new HttpHeaders());
		assertThat(this.pacer.reserve(MINUTE)).isEqualTo(5 * SECOND);
	}

	@Test
	void waitIsTheLongerOfThePacingAndTheConfiguredLimit() {
		ManualTimeMeter time = new ManualTimeMeter();
		AdaptivePacer paced = pacer(new TokenBucketRateLimiter(1, Duration.ofSeconds(3), 1, time));
		paced.onResponse(200, headers(2, "2s", 100));
		assertThat(paced.reserve(MINUTE)).isZero();
		// Pacing: 1s later; the bucket: 3s later.
		assertThat(paced.reserve(MINUTE)).isEqualTo(3 * SECOND);
	}

	@Test
	void refusalOfTheConfiguredLimitIsARefusal() {
		ManualTimeMeter time = new ManualTimeMeter();
		AdaptivePacer paced = pacer(new TokenBucketRateLimiter(1, Duration.ofSeconds(3), 1, time));
		paced.reserve(MINUTE);
		assertThat(paced.reserve(SECOND)).isEqualTo(RateLimiter.REFUSED);
	}

	@Test
	void concurrentReservationsNeverSendMoreThanWhatIsLeftBeforeTheReset() throws Exception {
		respond(200, 20, "10s", 100);
		ConcurrentLinkedQueue<Long> waits = new ConcurrentLinkedQueue<>();
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				done.add(threads.submit(() -> {
					start.await();
					for (int i = 0; i < 25; i++) {
						waits.add(this.pacer.reserve(MINUTE));
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : done) {
				future.get(10, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		List<Long> sorted = waits.stream().filter((wait) -> wait != RateLimiter.REFUSED).sorted().toList();
		assertThat(sorted.stream().filter((wait) -> wait < 10 * SECOND)).hasSize(20);
		for (int i = 1; i < 20; i++) {
			assertThat(sorted.get(i) - sorted.get(i - 1)).as("gap before slot %d", i).isGreaterThan(0);
		}
		// Nothing left: the first at the reset, then one per the quota's pace (its
		// window,
		// 10s, over its limit, 100), what comes back at least, rather than all at the
		// reset.
		List<Long> afterTheReset = sorted.subList(20, sorted.size());
		assertThat(afterTheReset).hasSize(80);
		for (int i = 0; i < afterTheReset.size(); i++) {
			assertThat(afterTheReset.get(i)).isEqualTo(10 * SECOND + i * (SECOND / 10));
		}
		assertThat(waits).doesNotContain(RateLimiter.REFUSED);
	}

	private AdaptivePacer pacer(RateLimiter delegate) {
		return new AdaptivePacer(delegate, new LocalPacingSchedule(this.clock),
				RateLimitHeaders.of(AdaptivePacingSettings.DEFAULTS), 0.5, this.clock);
	}

	private void respond(int status, long remaining, String reset, long limit) {
		this.pacer.onResponse(status, headers(remaining, reset, limit));
	}

	private static HttpHeaders headers(long remaining, String reset, long limit) {
		HttpHeaders headers = new HttpHeaders();
		headers.add("x-ratelimit-remaining-requests", Long.toString(remaining));
		headers.add("x-ratelimit-reset-requests", reset);
		if (limit >= 0) {
			headers.add("x-ratelimit-limit-requests", Long.toString(limit));
		}
		return headers;
	}

}
