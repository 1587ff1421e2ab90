package io.httpsentinel.resilience;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.httpsentinel.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LocalPacingSchedule} on a clock that only moves when told: one test
 * per rule of its slots.
 */
class LocalPacingScheduleTests {

	private static final long MILLI = 1_000_000L;

	private static final long SECOND = 1000 * MILLI;

	private static final long MINUTE = 60 * SECOND;

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T17:30:00Z"));

	private final LocalPacingSchedule schedule = new LocalPacingSchedule(this.clock);

	@Test
	void whatIsLeftIsSpreadEvenlyUpToTheReset() {
		// Four left, one fewer for each reservation, as the pacer counts them.
		for (int i = 0; i < 4; i++) {
			assertThat(this.schedule.reserve(SECOND, 4 - i, SECOND, MINUTE)).isEqualTo(i * 250 * MILLI);
		}
	}

	@Test
	void nothingLeftGoesAtTheResetThenAtThePace() {
		assertThat(this.schedule.reserve(5 * SECOND, 0, 100 * MILLI, MINUTE)).isEqualTo(5 * SECOND);
		assertThat(this.schedule.reserve(5 * SECOND, 0, 100 * MILLI, MINUTE)).isEqualTo(5100 * MILLI);
	}

	@Test
	void aSlotPastTheResetKeepsThePaceInsteadOfBeingHandedAgain() {
		this.schedule.reserve(5 * SECOND, 0, SECOND, MINUTE);
		// The next slot (6s) lies past this newer reset (1s): five left or not, each
		// takes the pace after it.
		assertThat(this.schedule.reserve(SECOND, 5, 2 * SECOND, MINUTE)).isEqualTo(6 * SECOND);
		assertThat(this.schedule.reserve(SECOND, 5, 2 * SECOND, MINUTE)).isEqualTo(8 * SECOND);
	}

	@Test
	void aSlotFurtherThanTheMaxWaitIsRefusedAndReservesNothing() {
		assertThat(this.schedule.reserve(5 * SECOND, 0, SECOND, SECOND)).isEqualTo(RateLimiter.REFUSED);
		assertThat(this.schedule.reserve(5 * SECOND, 10, SECOND, MINUTE)).isZero();
	}

}
