package io.httpsentinel.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link TokenBucketRateLimiter}, on a time source that only moves when told.
 */
class TokenBucketRateLimiterTests {

	private static final long ONE_SECOND = Duration.ofSeconds(1).toNanos();

	private static final long MS_100 = Duration.ofMillis(100).toNanos();

	private static final long MS_1 = Duration.ofMillis(1).toNanos();

	private final ManualTimeMeter time = new ManualTimeMeter();

	private final TokenBucketRateLimiter tenPerSecond = limiter(1);

	@Test
	void firstReservationNeedsNoWait() {
		assertThat(this.tenPerSecond.reserve(ONE_SECOND)).isZero();
	}

	@Test
	void waitingReservationsAreServedInOrderWithoutOverlap() {
		this.tenPerSecond.reserve(ONE_SECOND);
		assertThat(this.tenPerSecond.reserve(ONE_SECOND)).isCloseTo(MS_100, within(MS_1));
		assertThat(this.tenPerSecond.reserve(ONE_SECOND)).isCloseTo(2 * MS_100, within(MS_1));
		assertThat(this.tenPerSecond.reserve(ONE_SECOND)).isCloseTo(3 * MS_100, within(MS_1));
	}

	@Test
	void reservationWaitingLongerThanMaxWaitIsRefused() {
		this.tenPerSecond.reserve(ONE_SECOND);
		assertThat(this.tenPerSecond.reserve(MS_100 / 2)).isEqualTo(RateLimiter.REFUSED);
	}

	@Test
	void refusedReservationReservesNothing() {
		this.tenPerSecond.reserve(ONE_SECOND);
		this.tenPerSecond.reserve(MS_100 / 2);
		assertThat(this.tenPerSecond.reserve(ONE_SECOND)).isCloseTo(MS_100, within(MS_1));
	}

	@Test
	void reservationThatMayNotWaitIsRefusedWhenNoPermitIsLeft() {
		this.tenPerSecond.reserve(ONE_SECOND);
		assertThat(this.tenPerSecond.reserve(0)).isEqualTo(RateLimiter.REFUSED);
	}

	@Test
	void reservationThatMayNotWaitGetsAFreePermit() {
		assertThat(this.tenPerSecond.reserve(0)).isZero();
	}

	@Test
	void waitShrinksAsTimePasses() {
		this.tenPerSecond.reserve(ONE_SECOND);
		this.time.advance(Duration.ofMillis(40));
		assertThat(this.tenPerSecond.reserve(ONE_SECOND)).isCloseTo(60 * MS_1, within(MS_1));
	}

	@Test
	void bucketRefillsUpToTheBurstOnly() {
		TokenBucketRateLimiter limiter = limiter(3);
		for (int i = 0; i < 3; i++) {
			limiter.reserve(ONE_SECOND);
		}
		this.time.advance(Duration.ofSeconds(10));
		assertThat(limiter.availablePermits()).isEqualTo(3);
		for (int i = 0; i < 3; i++) {
			assertThat(limiter.reserve(ONE_SECOND)).isZero();
		}
		assertThat(limiter.reserve(ONE_SECOND)).isCloseTo(MS_100, within(MS_1));
	}

	@Test
	void holdsTheRateOverTime() {
		int burst = 5;
		TokenBucketRateLimiter limiter = limiter(burst);
		int granted = 0;
		// Every millisecond for 10 simulated seconds, three callers try to send within
		// the next millisecond.
		for (int ms = 0; ms < 10_000; ms++) {
			for (int caller = 0; caller < 3; caller++) {
				if (limiter.reserve(MS_1) != RateLimiter.REFUSED) {
					granted++;
				}
			}
			this.time.advance(Duration.ofMillis(1));
		}
		assertThat(granted).isBetween(100 - burst, 100 + burst);
	}

	@Test
	void availablePermitsStartsAtTheBurst() {
		assertThat(limiter(3).availablePermits()).isEqualTo(3);
	}

	@Test
	void availablePermitsCountsWhatIsLeft() {
		TokenBucketRateLimiter limiter = limiter(3);
		limiter.reserve(ONE_SECOND);
		assertThat(limiter.availablePermits()).isEqualTo(2);
	}

	@Test
	void availablePermitsIsNeverNegativeWhileAReservationWaits() {
		this.tenPerSecond.reserve(ONE_SECOND);
		this.tenPerSecond.reserve(ONE_SECOND);
		// One token owed must not read as -1, which means "unlimited".
		assertThat(this.tenPerSecond.availablePermits()).isZero();
	}

	@Test
	void estimatedWaitIsZeroWhileAPermitIsAvailable() {
		assertThat(this.tenPerSecond.estimateWaitNanos()).isZero();
	}

	@Test
	void estimatedWaitIsTheTimeToTheNextFreePermit() {
		this.tenPerSecond.reserve(ONE_SECOND);
		this.tenPerSecond.reserve(ONE_SECOND);
		this.time.advance(Duration.ofMillis(50));
		assertThat(this.tenPerSecond.estimateWaitNanos()).isCloseTo(150 * MS_1, within(MS_1));
	}

	@Test
	void estimatingReservesNothing() {
		this.tenPerSecond.reserve(ONE_SECOND);
		this.tenPerSecond.estimateWaitNanos();
		this.tenPerSecond.estimateWaitNanos();
		assertThat(this.tenPerSecond.reserve(ONE_SECOND)).isCloseTo(MS_100, within(MS_1));
	}

	@Test
	void concurrentReservationsNeverTakeMoreThanTheBurst() throws Exception {
		int burst = 1_000_000;
		TokenBucketRateLimiter limiter = limiter(burst);
		int threads = 4;
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Integer>> granted = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				granted.add(executor.submit(() -> {
					start.await(30, TimeUnit.SECONDS);
					int count = 0;
					for (int attempt = 0; attempt < burst; attempt++) {
						if (limiter.reserve(0) == 0) {
							count++;
						}
					}
					return count;
				}));
			}
			int total = 0;
			for (Future<Integer> result : granted) {
				total += result.get(30, TimeUnit.SECONDS);
			}
			// The time does not move: exactly the burst, however the threads interleave.
			assertThat(total).isEqualTo(burst);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private TokenBucketRateLimiter limiter(long burst) {
		return new TokenBucketRateLimiter(10, Duration.ofSeconds(1), burst, this.time);
	}

}
