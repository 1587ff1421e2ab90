package io.httpsentinel.resilience;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ResilienceSupport#rateLimiter(RateLimitSettings)}. These limiters run
 * on the system clock, so every assertion allows for the test taking a while.
 */
class ResilienceSupportTests {

	private static final long TEN_MS = Duration.ofMillis(10).toNanos();

	@Test
	void noRateMeansNoLimit() {
		assertThat(ResilienceSupport.localRateLimiter(RateLimitSettings.DEFAULTS, 1)).isSameAs(RateLimiter.UNLIMITED);
	}

	@Test
	void requestsPerMinuteLetTheWholeMinuteThroughAtOnceByDefault() {
		RateLimiter limiter = ResilienceSupport.localRateLimiter(new RateLimitSettings(null, 60, null, null), 1);
		for (int i = 0; i < 60; i++) {
			assertThat(limiter.reserve(TEN_MS)).isZero();
		}
	}

	@Test
	void requestsPerMinuteLimitOnceTheBurstIsSpent() {
		RateLimiter limiter = ResilienceSupport.localRateLimiter(new RateLimitSettings(null, 60, null, null), 1);
		for (int i = 0; i < 60; i++) {
			limiter.reserve(TEN_MS);
		}
		// The next permit comes a second (60 per minute) after the burst was taken.
		assertThat(limiter.reserve(TEN_MS)).isEqualTo(RateLimiter.REFUSED);
		assertThat(limiter.estimateWaitNanos()).isBetween(Duration.ofMillis(500).toNanos(),
				Duration.ofSeconds(1).toNanos());
	}

	@Test
	void requestsPerSecondRefillEverySecond() {
		RateLimiter limiter = ResilienceSupport.localRateLimiter(new RateLimitSettings(5, null, 1, null), 1);
		limiter.reserve(TEN_MS);
		assertThat(limiter.estimateWaitNanos()).isBetween(Duration.ofMillis(100).toNanos(),
				Duration.ofMillis(200).toNanos());
	}

	@Test
	void explicitBurstBoundsWhatGoesOutAtOnce() {
		RateLimiter limiter = ResilienceSupport.localRateLimiter(new RateLimitSettings(null, 60, 2, null), 1);
		assertThat(limiter.availablePermits()).isEqualTo(2);
	}

}
