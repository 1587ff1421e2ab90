package io.httpsentinel.resilience;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RecentCount}, on nanosecond times passed in.
 */
class RecentCountTests {

	private static final long MILLI = 1_000_000L;

	private static final long WINDOW = 1000 * MILLI;

	private final RecentCount count = new RecentCount();

	@Test
	void nothingCountedIsZero() {
		assertThat(this.count.count(0, WINDOW)).isZero();
	}

	@Test
	void eventsWithinTheWindowCount() {
		for (int i = 0; i < 10; i++) {
			this.count.add(i * 100 * MILLI, WINDOW);
		}
		assertThat(this.count.count(950 * MILLI, WINDOW)).isEqualTo(10);
	}

	@Test
	void eventsAWindowOldNoLongerCount() {
		for (int i = 0; i < 10; i++) {
			this.count.add(i * 100 * MILLI, WINDOW);
		}
		// At 1.45s, the events of 0s to 0.4s are a window old.
		assertThat(this.count.count(1450 * MILLI, WINDOW)).isEqualTo(5);
		assertThat(this.count.count(3000 * MILLI, WINDOW)).isZero();
	}

	@Test
	void aHighRateIsCountedInBoundedBucketsWithinOneBucketOfTheTruth() {
		// 100,000 events a second for two seconds: the last second holds 100,000.
		for (long t = 0; t < 2000 * MILLI; t += 10_000) {
			this.count.add(t, WINDOW);
		}
		long bucket = 100_000 / RecentCount.BUCKETS + 1;
		assertThat(this.count.count(2000 * MILLI, WINDOW)).isBetween(100_000 - bucket, 100_000 + bucket);
	}

}
