package io.httpsentinel.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Backoff}.
 */
class BackoffTests {

	private final Backoff defaults = new Backoff(Duration.ofMillis(500), 2.0, Duration.ofSeconds(8), 0.5);

	@Test
	void baseDelayDoublesUpToTheCap() {
		List<Duration> delays = new ArrayList<>();
		for (int retry = 1; retry <= 6; retry++) {
			delays.add(this.defaults.baseDelay(retry));
		}
		assertThat(delays).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
				Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(8));
	}

	@Test
	void veryLateRetriesStayAtTheCap() {
		assertThat(this.defaults.baseDelay(10_000)).isEqualTo(Duration.ofSeconds(8));
	}

	@Test
	void delayWithoutRandomnessIsTheBaseDelay() {
		assertThat(this.defaults.delay(3, () -> 0.0)).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void delayWithMaximalRandomnessIsCutByTheJitter() {
		Duration delay = this.defaults.delay(3, () -> 0.999999);
		assertThat(delay).isGreaterThanOrEqualTo(Duration.ofSeconds(1))
			.isCloseTo(Duration.ofSeconds(1), Duration.ofMillis(1));
	}

	@Test
	void delayAlwaysStaysWithinTheJitterBand() {
		SplittableRandom random = new SplittableRandom(42);
		for (double jitter : new double[] { 0.0, 0.1, 0.5, 1.0 }) {
			Backoff backoff = new Backoff(Duration.ofMillis(500), 2.0, Duration.ofSeconds(8), jitter);
			for (int retry = 1; retry <= 10; retry++) {
				long base = backoff.baseDelay(retry).toNanos();
				Duration lowest = Duration.ofNanos((long) Math.floor(base * (1 - jitter)));
				for (int i = 0; i < 1_000; i++) {
					double value = (i == 0) ? 0.0 : (i == 1) ? Math.nextDown(1.0) : random.nextDouble();
					assertThat(backoff.delay(retry, () -> value)).isBetween(lowest, Duration.ofNanos(base));
				}
			}
		}
	}

	@Test
	void zeroJitterGivesExactlyTheBaseDelay() {
		Backoff backoff = new Backoff(Duration.ofMillis(500), 2.0, Duration.ofSeconds(8), 0.0);
		assertThat(backoff.delay(4, () -> 0.7)).isEqualTo(Duration.ofSeconds(4));
	}

}
