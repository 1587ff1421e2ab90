package io.httpsentinel.sse.proxy;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.httpsentinel.sse.proxy.StreamDeadlines.Due;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StreamDeadlines}: one rule each, at times the test chooses.
 */
class StreamDeadlinesTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private static final long HEARTBEAT = 15 * SECOND;

	private static final long SLOW_CLIENT_TIMEOUT = 30 * SECOND;

	private static final long TICK = TimeUnit.MILLISECONDS.toNanos(10);

	private final StreamDeadlines deadlines = new StreamDeadlines(HEARTBEAT, SLOW_CLIENT_TIMEOUT);

	@Test
	void heartbeatIsDueAfterTheIntervalWithoutWrites() {
		this.deadlines.committed(0);
		this.deadlines.wrote(SECOND);
		assertThat(this.deadlines.due(SECOND + HEARTBEAT - 1, true, false, true)).isEqualTo(Due.NOTHING);
		assertThat(this.deadlines.due(SECOND + HEARTBEAT, true, false, true)).isEqualTo(Due.HEARTBEAT);
	}

	@Test
	void onATimerThatFiresLateTheHeartbeatIsLookedForAndDueThatMuchEarlier() {
		StreamDeadlines wheel = onATimerThatFiresLate();
		wheel.wrote(SECOND);
		assertThat(wheel.next(2 * SECOND, true, false)).isEqualTo(SECOND + HEARTBEAT - TICK);
		assertThat(wheel.due(SECOND + HEARTBEAT - TICK - 1, true, false, true)).isEqualTo(Due.NOTHING);
		assertThat(wheel.due(SECOND + HEARTBEAT - TICK, true, false, true)).isEqualTo(Due.HEARTBEAT);
		// Fired up to a tick late, the heartbeat still ends at most HEARTBEAT of silence.
		assertThat(wheel.due(SECOND + HEARTBEAT, true, false, true)).isEqualTo(Due.HEARTBEAT);
	}

	@Test
	void onATimerThatFiresLateTheSlowClientAndBodyDeadlinesAreNotEarlier() {
		StreamDeadlines wheel = onATimerThatFiresLate();
		wheel.full(SECOND);
		assertThat(wheel.due(SECOND + SLOW_CLIENT_TIMEOUT - 1, true, true, false)).isEqualTo(Due.NOTHING);
		assertThat(wheel.due(SECOND + SLOW_CLIENT_TIMEOUT, true, true, false)).isEqualTo(Due.DROP_SLOW_CLIENT);
		assertThat(wheel.due(StreamDeadlines.BODY_SUBSCRIBE_TIMEOUT_NANOS - 1, false, false, false))
			.isEqualTo(Due.NOTHING);
	}

	@Test
	void heartbeatIsNotDueWhileSomethingIsQueuedOrBeforeTheBodyStarted() {
		this.deadlines.committed(0);
		assertThat(this.deadlines.due(HEARTBEAT, true, false, false)).isEqualTo(Due.NOTHING);
		assertThat(this.deadlines.due(HEARTBEAT, false, false, true)).isEqualTo(Due.NOTHING);
	}

	@Test
	void noHeartbeatWhenTheIntervalIsZero() {
		StreamDeadlines quiet = new StreamDeadlines(0, SLOW_CLIENT_TIMEOUT);
		quiet.committed(0);
		assertThat(quiet.due(Long.MAX_VALUE / 2, true, false, true)).isEqualTo(Due.NOTHING);
		assertThat(quiet.next(SECOND, true, false)).isEqualTo(StreamDeadlines.NONE);
	}

	@Test
	void fullClientIsDroppedAfterTheSlowClientTimeoutWhileItHoldsBytes() {
		this.deadlines.committed(0);
		this.deadlines.full(SECOND);
		assertThat(this.deadlines.due(SECOND + SLOW_CLIENT_TIMEOUT - 1, true, true, false)).isEqualTo(Due.NOTHING);
		assertThat(this.deadlines.due(SECOND + SLOW_CLIENT_TIMEOUT, true, true, false)).isEqualTo(Due.DROP_SLOW_CLIENT);
		assertThat(this.deadlines.due(SECOND + SLOW_CLIENT_TIMEOUT, true, false, false)).isEqualTo(Due.NOTHING);
	}

	@Test
	void slowClientTimeoutRunsFromTheFirstTimeTheClientWasFull() {
		this.deadlines.full(SECOND);
		this.deadlines.full(5 * SECOND);
		assertThat(this.deadlines.isFull()).isTrue();
		assertThat(this.deadlines.slowClientDeadline()).isEqualTo(SECOND + SLOW_CLIENT_TIMEOUT);
		assertThat(this.deadlines.fullFor(6 * SECOND)).isEqualTo(5 * SECOND);
	}

	@Test
	void clientCatchingUpStopsTheSlowClientTimeout() {
		this.deadlines.committed(0);
		this.deadlines.full(SECOND);
		assertThat(this.deadlines.caughtUp()).isTrue();
		assertThat(this.deadlines.caughtUp()).isFalse();
		assertThat(this.deadlines.isFull()).isFalse();
		assertThat(this.deadlines.due(SECOND + SLOW_CLIENT_TIMEOUT, true, true, false)).isEqualTo(Due.NOTHING);
	}

	@Test
	void bodyNeverSubscribedIsAbandonedThirtySecondsAfterTheCommit() {
		this.deadlines.committed(SECOND);
		long abandonAt = SECOND + StreamDeadlines.BODY_SUBSCRIBE_TIMEOUT_NANOS;
		assertThat(this.deadlines.due(abandonAt - 1, false, false, true)).isEqualTo(Due.NOTHING);
		assertThat(this.deadlines.due(abandonAt, false, false, true)).isEqualTo(Due.ABANDON_BODY);
		assertThat(this.deadlines.due(abandonAt, true, false, false)).isEqualTo(Due.NOTHING);
	}

	@Test
	void droppingASlowClientComesBeforeTheOtherDeadlines() {
		this.deadlines.committed(0);
		this.deadlines.full(0);
		assertThat(this.deadlines.due(StreamDeadlines.BODY_SUBSCRIBE_TIMEOUT_NANOS, false, true, true))
			.isEqualTo(Due.DROP_SLOW_CLIENT);
	}

	@Test
	void nextLookIsTheNextHeartbeatAfterTheLastWrite() {
		this.deadlines.committed(0);
		this.deadlines.wrote(4 * SECOND);
		assertThat(this.deadlines.next(5 * SECOND, true, false)).isEqualTo(4 * SECOND + HEARTBEAT);
	}

	@Test
	void nextLookAfterAHeartbeatThatWasDueIsOneIntervalFromNow() {
		this.deadlines.committed(0);
		assertThat(this.deadlines.next(HEARTBEAT, true, false)).isEqualTo(2 * HEARTBEAT);
	}

	@Test
	void nextLookIsTheEarliestOfHeartbeatSlowClientAndUnsubscribedBody() {
		this.deadlines.committed(0);
		assertThat(this.deadlines.next(0, false, false)).isEqualTo(HEARTBEAT);
		StreamDeadlines slow = new StreamDeadlines(HEARTBEAT, SECOND);
		slow.committed(0);
		slow.full(0);
		assertThat(slow.next(0, false, false)).isEqualTo(SECOND);
	}

	@Test
	void endingStreamLooksOnlyForTheSlowClientTimeout() {
		this.deadlines.committed(0);
		this.deadlines.full(2 * SECOND);
		assertThat(this.deadlines.next(3 * SECOND, true, true)).isEqualTo(2 * SECOND + SLOW_CLIENT_TIMEOUT);
	}

	@Test
	void noNextLookWithoutAnyDeadline() {
		StreamDeadlines quiet = new StreamDeadlines(0, SLOW_CLIENT_TIMEOUT);
		quiet.committed(0);
		assertThat(quiet.next(0, true, true)).isEqualTo(StreamDeadlines.NONE);
	}

	private static StreamDeadlines onATimerThatFiresLate() {
		StreamDeadlines deadlines = new StreamDeadlines(HEARTBEAT, SLOW_CLIENT_TIMEOUT, TICK);
		deadlines.committed(0);
		return deadlines;
	}

}
