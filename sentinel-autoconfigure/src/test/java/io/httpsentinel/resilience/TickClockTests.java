package io.httpsentinel.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TickClock}.
 */
class TickClockTests {

	private static final Duration DEADLINE = Duration.ofSeconds(10);

	private final VirtualTimeScheduler ticks = VirtualTimeScheduler.create();

	private final TickClock clock = new TickClock(DeadlineTimer.on(() -> this.ticks));

	@AfterEach
	void stopTicks() {
		this.ticks.dispose();
	}

	@Test
	void startsAtTheSystemTime() {
		long after = System.currentTimeMillis();
		assertThat(this.clock.millis()).isBetween(after - DEADLINE.toMillis(), after);
	}

	@Test
	void staysAtTheLastTickWhileTheSystemClockMoves() throws InterruptedException {
		Instant start = this.clock.instant();
		awaitTrue(() -> System.currentTimeMillis() > start.toEpochMilli());
		assertThat(this.clock.instant()).isEqualTo(start);
	}

	@Test
	void movesToTheSystemTimeAtTheNextTick() throws InterruptedException {
		long start = this.clock.millis();
		awaitTrue(() -> System.currentTimeMillis() > start);
		long beforeTick = System.currentTimeMillis();
		this.ticks.advanceTimeBy(Duration.ofNanos(1));
		assertThat(this.clock.millis()).isGreaterThanOrEqualTo(beforeTick);
	}

	@Test
	void keepsTickingAfterEachTick() throws InterruptedException {
		this.ticks.advanceTimeBy(Duration.ofNanos(1));
		long first = this.clock.millis();
		awaitTrue(() -> System.currentTimeMillis() > first);
		this.ticks.advanceTimeBy(Duration.ofNanos(1));
		assertThat(this.clock.millis()).isGreaterThan(first);
	}

	@Test
	void followsTheSystemClockOnTheDeadlineWheel() throws InterruptedException {
		long start = System.currentTimeMillis();
		awaitTrue(() -> TickClock.UTC.millis() > start);
		assertThat(TickClock.UTC.instant().toEpochMilli()).isLessThanOrEqualTo(System.currentTimeMillis());
	}

	@Test
	void isInUtc() {
		assertThat(this.clock.getZone()).isEqualTo(ZoneOffset.UTC);
		assertThat(this.clock.withZone(ZoneOffset.UTC)).isSameAs(this.clock);
	}

	@Test
	void inAnotherZoneIsTheSystemClock() {
		ZoneId paris = ZoneId.of("Europe/Paris");
		assertThat(this.clock.withZone(paris)).isEqualTo(Clock.system(paris));
	}

	private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + DEADLINE.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).isLessThan(deadline);
			TimeUnit.MILLISECONDS.sleep(1);
		}
	}

}
