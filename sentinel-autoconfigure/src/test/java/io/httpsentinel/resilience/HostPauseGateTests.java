package io.httpsentinel.resilience;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.httpsentinel.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HostPauseGate}.
 */
class HostPauseGateTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private final MutableClock clock = new MutableClock(NOW);

	private final HostPauseGate gate = new HostPauseGate(this.clock);

	@Test
	void hostIsNotPausedInitially() {
		assertThat(this.gate.pausedUntil()).isEmpty();
	}

	@Test
	void pauseHoldsUntilItsEnd() {
		this.gate.pauseUntil(NOW.plusSeconds(120));
		this.clock.advance(Duration.ofSeconds(120).minusNanos(1));
		assertThat(this.gate.pausedUntil()).hasValue(NOW.plusSeconds(120));
	}

	@Test
	void pauseEndsWhenTheClockReachesIt() {
		this.gate.pauseUntil(NOW.plusSeconds(120));
		this.clock.advance(Duration.ofSeconds(120));
		assertThat(this.gate.pausedUntil()).isEmpty();
	}

	@Test
	void earlierEndNeverShortensALongerPause() {
		this.gate.pauseUntil(NOW.plusSeconds(120));
		this.gate.pauseUntil(NOW.plusSeconds(10));
		assertThat(this.gate.pausedUntil()).hasValue(NOW.plusSeconds(120));
	}

	@Test
	void laterEndExtendsAShorterPause() {
		this.gate.pauseUntil(NOW.plusSeconds(10));
		this.gate.pauseUntil(NOW.plusSeconds(120));
		assertThat(this.gate.pausedUntil()).hasValue(NOW.plusSeconds(120));
	}

	@Test
	void pauseEndingInThePastDoesNotPause() {
		this.gate.pauseUntil(NOW.minusSeconds(1));
		assertThat(this.gate.pausedUntil()).isEmpty();
	}

	@Test
	void resumeLiftsThePause() {
		this.gate.pauseUntil(NOW.plusSeconds(120));
		this.gate.resume();
		assertThat(this.gate.pausedUntil()).isEmpty();
	}

}
