package io.httpsentinel.sse.proxy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.httpsentinel.sse.proxy.StreamDeadlines.Due;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StreamTimer}, on virtual time.
 */
class StreamTimerTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final AtomicInteger fired = new AtomicInteger();

	private final StreamDeadlines deadlines = new StreamDeadlines(15 * SECOND, 30 * SECOND);

	private final StreamTimer timer = new StreamTimer(this.time, this.deadlines, this.fired::incrementAndGet);

	@AfterEach
	void stop() {
		this.time.dispose();
	}

	@Test
	void firesForTheNextDeadlineAndIsSetAgainAfterAHeartbeat() {
		this.deadlines.committed(0);
		this.timer.setNext(0, true, false);
		advanceTo(15 * SECOND - 1);
		assertThat(this.fired).hasValue(0);
		advanceTo(15 * SECOND);
		assertThat(this.fired).hasValue(1);
		assertThat(this.timer.fired(now(), true, false, true, false)).isEqualTo(Due.HEARTBEAT);
		advanceTo(30 * SECOND);
		assertThat(this.fired).hasValue(2);
	}

	@Test
	void isNotSetAgainAfterADeadlineThatEndsTheStream() {
		this.deadlines.committed(0);
		this.deadlines.full(0);
		this.timer.setBy(this.deadlines.slowClientDeadline(), 0);
		advanceTo(30 * SECOND);
		assertThat(this.fired).hasValue(1);
		assertThat(this.timer.fired(now(), true, true, false, false)).isEqualTo(Due.DROP_SLOW_CLIENT);
		advanceTo(120 * SECOND);
		assertThat(this.fired).hasValue(1);
	}

	@Test
	void isMovedOnlyForASoonerDeadline() {
		this.timer.setBy(10 * SECOND, 0);
		this.timer.setBy(20 * SECOND, 0);
		advanceTo(10 * SECOND);
		assertThat(this.fired).hasValue(1);
		this.timer.fired(now(), true, false, false, true);
		this.timer.setBy(20 * SECOND, now());
		this.timer.setBy(12 * SECOND, now());
		advanceTo(12 * SECOND);
		assertThat(this.fired).hasValue(2);
		advanceTo(20 * SECOND);
		assertThat(this.fired).hasValue(2);
	}

	@Test
	void firesNoMoreOnceCancelled() {
		this.timer.setBy(SECOND, 0);
		this.timer.cancel();
		advanceTo(10 * SECOND);
		assertThat(this.fired).hasValue(0);
	}

	private long now() {
		return this.time.now(TimeUnit.NANOSECONDS);
	}

	private void advanceTo(long nanos) {
		this.time.advanceTimeBy(Duration.ofNanos(nanos - now()));
	}

}
