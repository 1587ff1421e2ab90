package io.httpsentinel.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.httpsentinel.resilience.CircuitOpenException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReconnectStreak}: one rule each, on a time source the test moves.
 */
class ReconnectStreakTests {

	private static final Duration INITIAL = Duration.ofMillis(100);

	private static final Duration MAX = Duration.ofSeconds(1);

	private static final Throwable REFUSED = new CircuitOpenException("upstream", null);

	private long now = 5_000_000_000L;

	private double random;

	@Test
	void firstDelayIsTheInitialDelay() {
		ReconnectStreak streak = streak(-1, Duration.ZERO, null);
		assertThat(streak.nextDelay(null)).isEqualTo(INITIAL);
	}

	@Test
	void delayIsStretchedByAtMostAFifthForJitter() {
		this.random = 0.999999;
		ReconnectStreak streak = streak(-1, Duration.ZERO, null);
		assertThat(streak.nextDelay(null)).isEqualTo(Duration.ofMillis(119));
	}

	@Test
	void delayDoublesWithEachReconnectInARowUpToTheMaximum() {
		ReconnectStreak streak = streak(-1, Duration.ZERO, null);
		assertThat(delays(streak, null, 6)).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
	}

	@Test
	void serverRetryTimeReplacesTheInitialDelay() {
		ReconnectStreak streak = streak(-1, Duration.ZERO, null);
		assertThat(delays(streak, Duration.ofMillis(300), 3)).containsExactly(300L, 600L, 1000L);
	}

	@Test
	void serverRetryTimeAboveTheMaximumIsHonoured() {
		ReconnectStreak streak = streak(-1, Duration.ZERO, null);
		assertThat(delays(streak, Duration.ofSeconds(5), 2)).containsExactly(5000L, 5000L);
	}

	@Test
	void givesUpAfterTheMostReconnectsInARow() {
		ReconnectStreak streak = streak(2, Duration.ZERO, null);
		assertThat(streak.nextDelay(null)).isNotNull();
		assertThat(streak.nextDelay(null)).isNotNull();
		assertThat(streak.nextDelay(null)).isNull();
	}

	@Test
	void noReconnectWhenTheMostReconnectsIsZero() {
		ReconnectStreak streak = streak(0, Duration.ZERO, null);
		assertThat(streak.nextDelay(null)).isNull();
	}

	@Test
	void minusOneReconnectsMeansNoLimit() {
		ReconnectStreak streak = streak(-1, Duration.ZERO, null);
		assertThat(delays(streak, null, 100)).hasSize(100).doesNotContainNull();
	}

	@Test
	void givesUpWhenTheDelayWouldEndPastTheTimeBudgetCountedFromTheFirstEnd() {
		ReconnectStreak streak = streak(-1, Duration.ofMillis(1000), null);
		assertThat(streak.nextDelay(null)).isEqualTo(Duration.ofMillis(100));
		this.now += Duration.ofMillis(100).toNanos();
		assertThat(streak.nextDelay(null)).isEqualTo(Duration.ofMillis(200));
		this.now += Duration.ofMillis(200).toNanos();
		// 300ms spent, 400ms asked: ends at 700ms, within the budget.
		assertThat(streak.nextDelay(null)).isEqualTo(Duration.ofMillis(400));
		this.now += Duration.ofMillis(400).toNanos();
		// 700ms spent, 800ms asked: would end at 1500ms.
		assertThat(streak.nextDelay(null)).isNull();
	}

	@Test
	void delayEndingExactlyAtTheTimeBudgetIsAllowed() {
		ReconnectStreak streak = streak(-1, Duration.ofMillis(300), null);
		streak.nextDelay(null);
		this.now += Duration.ofMillis(100).toNanos();
		assertThat(streak.nextDelay(null)).isEqualTo(Duration.ofMillis(200));
	}

	@Test
	void zeroTimeBudgetMeansNoLimit() {
		ReconnectStreak streak = streak(-1, Duration.ZERO, null);
		this.now += Duration.ofDays(365).toNanos();
		assertThat(streak.nextDelay(null)).isEqualTo(INITIAL);
	}

	@Test
	void reconnectRefusedBeforeItWasSentIsNotOneOfTheReconnectsAllowed() {
		ReconnectStreak streak = streak(2, Duration.ZERO, null);
		assertThat(streak.nextDelay(null)).isNotNull();
		for (int i = 0; i < 10; i++) {
			assertThat(streak.nextDelay(null, REFUSED)).as("refusal %d", i).isNotNull();
		}
		assertThat(streak.nextDelay(null)).isNotNull();
		assertThat(streak.nextDelay(null)).isNull();
	}

	@Test
	void delayGoesOnDoublingThroughRefusals() {
		ReconnectStreak streak = streak(1, Duration.ZERO, null);
		assertThat(streak.nextDelay(null)).isEqualTo(INITIAL);
		assertThat(streak.nextDelay(null, REFUSED)).isEqualTo(Duration.ofMillis(200));
		assertThat(streak.nextDelay(null, REFUSED)).isEqualTo(Duration.ofMillis(400));
		assertThat(streak.nextDelay(null)).as("the one reconnect allowed was sent").isNull();
	}

	@Test
	void refusalsStillEndAtTheTimeBudget() {
		ReconnectStreak streak = streak(-1, Duration.ofMillis(1000), null);
		assertThat(streak.nextDelay(null)).isEqualTo(Duration.ofMillis(100));
		this.now += Duration.ofMillis(100).toNanos();
		assertThat(streak.nextDelay(null, REFUSED)).isEqualTo(Duration.ofMillis(200));
		this.now += Duration.ofMillis(200).toNanos();
		assertThat(streak.nextDelay(null, REFUSED)).isEqualTo(Duration.ofMillis(400));
		this.now += Duration.ofMillis(400).toNanos();
		// 700ms + 800ms is past the budget.
		assertThat(streak.nextDelay(null, REFUSED)).isNull();
	}

	@Test
	void refusedFirstConnectionGainsNoReconnect() {
		ReconnectStreak streak = streak(1, Duration.ZERO, null);
		assertThat(streak.nextDelay(null, REFUSED)).isNotNull();
		assertThat(streak.nextDelay(null)).isNull();
	}

	@Test
	void resetStartsANewStreakFromTheInitialDelayWithItsLimitsUntouched() {
		ReconnectStreak streak = streak(2, Duration.ofMillis(500), null);
		streak.nextDelay(null);
		this.now += Duration.ofMillis(400).toNanos();
		streak.nextDelay(null);
		streak.reset();
		this.now += Duration.ofMillis(400).toNanos();
		assertThat(streak.nextDelay(null)).isEqualTo(INITIAL);
		assertThat(streak.nextDelay(null)).isEqualTo(Duration.ofMillis(200));
	}

	@Test
	void connectionOpenForTheResetTimeEndsTheStreak() {
		ReconnectStreak streak = streak(-1, Duration.ZERO, Duration.ofSeconds(30));
		delays(streak, null, 3);
		streak.connected();
		this.now += Duration.ofSeconds(30).toNanos();
		assertThat(streak.nextDelay(null)).isEqualTo(INITIAL);
	}

	@Test
	void connectionShorterThanTheResetTimeContinuesTheStreak() {
		ReconnectStreak streak = streak(-1, Duration.ZERO, Duration.ofSeconds(30));
		delays(streak, null, 3);
		streak.connected();
		this.now += Duration.ofSeconds(29).toNanos();
		assertThat(streak.nextDelay(null)).isEqualTo(Duration.ofMillis(800));
	}

	@Test
	void connectionCountsOnlyForTheEndThatFollowsIt() {
		ReconnectStreak streak = streak(-1, Duration.ZERO, Duration.ofSeconds(30));
		streak.connected();
		streak.nextDelay(null);
		this.now += Duration.ofSeconds(30).toNanos();
		assertThat(streak.nextDelay(null)).isEqualTo(Duration.ofMillis(200));
	}

	@Test
	void resumeStreakIsNotEndedByTheTimeAConnectionStayedOpen() {
		ReconnectStreak streak = ReconnectStreak.of(SseResumeSettings.DEFAULTS.withLimits(-1, Duration.ZERO),
				() -> this.now);
		streak.nextDelay(null);
		streak.connected();
		this.now += Duration.ofDays(1).toNanos();
		Duration second = streak.nextDelay(null);
		assertThat(second).isBetween(Duration.ofMillis(500), Duration.ofMillis(600));
	}

	@Test
	void reconnectStreakResetsAfterTheConfiguredHealthyTime() {
		SseReconnectSettings settings = SseReconnectSettings.DEFAULTS.withResetAfter(Duration.ofSeconds(10));
		ReconnectStreak streak = ReconnectStreak.of(settings, () -> this.now);
		streak.nextDelay(null);
		streak.connected();
		this.now += Duration.ofSeconds(10).toNanos();
		assertThat(streak.nextDelay(null)).isBetween(Duration.ofSeconds(3), Duration.ofMillis(3600));
	}

	private ReconnectStreak streak(int maxAttempts, Duration maxElapsed, Duration resetAfter) {
		return new ReconnectStreak(INITIAL, MAX, maxAttempts, maxElapsed, resetAfter, () -> this.now,
				() -> this.random);
	}

	private static List<Long> delays(ReconnectStreak streak, Duration serverRetry, int count) {
		List<Long> delays = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Duration delay = streak.nextDelay(serverRetry);
			delays.add((delay != null) ? delay.toMillis() : null);
		}
		return delays;
	}

}
