package io.httpsentinel.resilience;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock in UTC as of the last tick of a timer, for the circuit breakers. A
 * breaker reads its clock on every recorded call, only to know which second of its
 * sliding window the call falls in (and, while open, whether its wait is over): a clock a
 * tick or two behind (10 ms on the deadline wheel) changes neither, and reading a field
 * costs nothing where reading the system clock costs about 30 ns on a virtual machine
 * (kvm-clock), a quarter of what a breaker costs per call. On the deadline wheel, whose
 * thread wakes up at every tick anyway (the deadlines of every call rely on it), the
 * clock adds a clock read and a timeout per tick.
 */
final class TickClock extends Clock {

	/** On the shared deadline wheel; ticks from the first breaker on. */
	static final TickClock UTC = new TickClock(DeadlineTimer.wheel());

	private final DeadlineTimer timer;

	/** The time at the last tick: read as it is, allocated once per tick. */
	private volatile Instant now;

	/**
	 * Create a clock and start its ticks.
	 * @param timer the timer whose ticks move the clock (virtual time in tests)
	 */
	TickClock(DeadlineTimer timer) {
		this.timer = timer;
		tick();
	}

	private void tick() {
		this.now = Instant.now();
		// The shortest delay: fires on the timer's next tick.
		this.timer.schedule(this::tick, 1);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return ZoneOffset.UTC.equals(zone) ? this : Clock.system(zone);
	}

	@Override
	public long millis() {
		return this.now.toEpochMilli();
	}

	@Override
	public Instant instant() {
		return this.now;
	}

}
