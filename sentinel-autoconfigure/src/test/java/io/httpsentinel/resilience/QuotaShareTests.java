package io.httpsentinel.resilience;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.httpsentinel.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link QuotaShare}: when a process holds less than the whole quota, how much,
 * and how its reservations are stretched by it. Times are nanoseconds since the epoch,
 * passed in.
 */
class QuotaShareTests {

	private static final long MILLI = 1_000_000L;

	private static final long SECOND = 1000 * MILLI;

	private static final long T0 = 1_800_000_000L * SECOND;

	private final QuotaShare share = new QuotaShare(true);

	@Test
	void aProcessHoldsTheWholeQuotaUntilA429() {
		answer(T0, 200, 99);
		answer(T0 + 2 * SECOND, 200, 50);
		assertThat(this.share.value()).isEqualTo(1);
	}

	@Test
	void after429sTheShareIsTheProcesssOwnPartOfTheRequestsTheWindowCounts() {
		answer(T0, 200, 99);
		answer(T0, 429, 0);
		answer(T0 + SECOND, 200, 96);
		// Its own in the last window (1s): this one, the first is a window old, and 429s
		// do not count. The provider counts 4 in its window.
		assertThat(this.share.value()).isEqualTo(0.25);
	}

	@Test
	void aProcessWithLessThanAWindowOfHistoryKeepsTheWholeQuota() {
		answer(T0, 429, 0);
		answer(T0 + SECOND / 2, 200, 90);
		assertThat(this.share.value()).isEqualTo(1);
	}

	@Test
	void aProcessAloneOnItsQuotaKeepsItWholeAfterA429() {
		answer(T0, 429, 0);
		// The provider counts what this process sent, and nothing else.
		for (int i = 1; i <= 10; i++) {
			answer(T0 + SECOND + i * 50 * MILLI, 200, 100 - i);
		}
		assertThat(this.share.value()).isEqualTo(1);
	}

	@Test
	void theShareNeverFallsBelowTheSmallest() {
		answer(T0, 429, 0);
		answer(T0 + 30 * SECOND, 429, 0);
		answer(T0 + 60 * SECOND, 200, 0);
		assertThat(this.share.value()).isGreaterThanOrEqualTo(QuotaShare.SMALLEST)
			.isCloseTo(QuotaShare.SMALLEST, within(1e-9));
	}

	@Test
	void aProcessOnASharedScheduleAlwaysHoldsTheWholeQuota() {
		QuotaShare shared = new QuotaShare(false);
		shared.onResponse(T0, true, quota(T0, 0), 100);
		shared.onResponse(T0 + 2 * SECOND, false, quota(T0 + 2 * SECOND, 99), 100);
		assertThat(shared.value()).isEqualTo(1);
	}

	@Test
	void withNothingLeftOfItsShareAProcessWaitsForItsTurnThenGoesAtItsPartOfTheQuotasPace() {
		quarterShare();
		PacingSchedule schedule = schedule();
		// The quota's pace: a window of 1s over a limit of 100, longer than the 5ms to
		// the reset.
		long turn = 40 * MILLI;
		assertThat(this.share.reserve(schedule, 5 * MILLI, 0, 100, SECOND)).isEqualTo(turn);
		assertThat(this.share.reserve(schedule, 5 * MILLI, 0, 100, SECOND)).isEqualTo(2 * turn);
	}

	@Test
	void aProcessSpreadsItsShareOfWhatIsLeftOverTheTimeToTheReset() {
		quarterShare();
		PacingSchedule schedule = schedule();
		// 40 left, a quarter of them this process's: 10, over the 500ms to the reset.
		assertThat(this.share.reserve(schedule, 500 * MILLI, 40, 100, SECOND)).isZero();
		assertThat(this.share.reserve(schedule, 500 * MILLI, 40, 100, SECOND)).isEqualTo(50 * MILLI);
	}

	@Test
	void pastTheResetAProcessGoesAtItsShareOfTheQuotasPaceAndSoDoesASharedSchedule() {
		assertThat(this.share.reserveAfterReset(schedule(), 100, SECOND)).as("window not known yet").isZero();
		answer(T0, 200, 99);
		assertThat(this.share.reserveAfterReset(schedule(), 100, SECOND)).isEqualTo(10 * MILLI);
		QuotaShare shared = new QuotaShare(false);
		shared.onResponse(T0, false, quota(T0, 99), 100);
		assertThat(shared.reserveAfterReset(schedule(), 100, SECOND)).isEqualTo(10 * MILLI);
		quarterShare();
		long interval = 40 * MILLI;
		assertThat(this.share.reserveAfterReset(schedule(), 100, SECOND)).isEqualTo(interval);
	}

	/**
	 * Bring the share to a quarter: one answer of its own in a window that counts four.
	 */
	private void quarterShare() {
		answer(T0, 429, 0);
		answer(T0 + SECOND, 200, 96);
		answer(T0 + 2 * SECOND, 200, 96);
		assertThat(this.share.value()).isEqualTo(0.25);
	}

	private static PacingSchedule schedule() {
		return new LocalPacingSchedule(new MutableClock(Instant.ofEpochSecond(0, T0 + 2 * SECOND)));
	}

	private void answer(long now, int status, long remaining) {
		this.share.onResponse(now, status == 429, quota(now, remaining), 100);
	}

	/**
	 * A quota of 100 per second, with the reset a second away.
	 */
	private static RateLimitQuota quota(long now, long remaining) {
		return new RateLimitQuota(remaining, now + SECOND, 100);
	}

}
