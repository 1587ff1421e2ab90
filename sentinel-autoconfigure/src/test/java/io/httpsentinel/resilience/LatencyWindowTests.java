package io.httpsentinel.resilience;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.httpsentinel.resilience.PipelineStatistics.Latency;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LatencyWindow}: time is passed in, so it moves only when a test moves
 * it.
 */
class LatencyWindowTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	private final LatencyWindow window = new LatencyWindow(Duration.ofMinutes(1), 6);

	@Test
	void emptyWindowHasNoCallsAndZeroLatency() {
		assertThat(this.window.summary(0))
			.isEqualTo(new Latency(Duration.ofMinutes(1), 0, Duration.ZERO, Duration.ZERO));
	}

	@Test
	void summarizesCountMeanAndMax() {
		this.window.record(SECOND, millis(10));
		this.window.record(2 * SECOND, millis(30));
		this.window.record(15 * SECOND, millis(20));
		Latency latency = this.window.summary(16 * SECOND);
		assertThat(latency.calls()).isEqualTo(3);
		assertThat(latency.mean()).isEqualTo(Duration.ofMillis(20));
		assertThat(latency.max()).isEqualTo(Duration.ofMillis(30));
	}

	@Test
	void slicesOlderThanTheWindowAgeOut() {
		this.window.record(SECOND, millis(500));
		this.window.record(55 * SECOND, millis(10));
		// The first slice (0-10s) is still inside the window at 59s, not at 60s.
		assertThat(this.window.summary(59 * SECOND).max()).isEqualTo(Duration.ofMillis(500));
		Latency latency = this.window.summary(60 * SECOND);
		assertThat(latency.calls()).isEqualTo(1);
		assertThat(latency.max()).isEqualTo(Duration.ofMillis(10));
	}

	@Test
	void aSliceReusedByTheRingStartsAfresh() {
		this.window.record(SECOND, millis(500));
		// 61s falls into the same slot of the ring as 1s.
		this.window.record(61 * SECOND, millis(10));
		Latency latency = this.window.summary(61 * SECOND);
		assertThat(latency.calls()).isEqualTo(1);
		assertThat(latency.mean()).isEqualTo(Duration.ofMillis(10));
		assertThat(latency.max()).isEqualTo(Duration.ofMillis(10));
	}

	@Test
	void everythingAgesOutAfterAQuietWindow() {
		this.window.record(SECOND, millis(10));
		this.window.record(30 * SECOND, millis(10));
		assertThat(this.window.summary(100 * SECOND).calls()).isZero();
	}

	@Test
	void worksWithNegativeTimes() {
		// System.nanoTime may be negative.
		this.window.record(-5 * SECOND, millis(40));
		this.window.record(-SECOND, millis(20));
		Latency latency = this.window.summary(0);
		assertThat(latency.calls()).isEqualTo(2);
		assertThat(latency.mean()).isEqualTo(Duration.ofMillis(30));
	}

	private static long millis(long millis) {
		return Duration.ofMillis(millis).toNanos();
	}

}
