package io.httpsentinel.resilience;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pacing schedule of one process: the time the next slot is free (GCRA's theoretical
 * arrival time), moved forward by compare-and-set.
 */
final class LocalPacingSchedule implements PacingSchedule {

	private final Clock clock;

	/** When the next slot is free, in nanoseconds since the Unix epoch. */
	private final AtomicLong nextSlot = new AtomicLong(Long.MIN_VALUE);

	LocalPacingSchedule(Clock clock) {
		this.clock = clock;
	}

	/**
	 * The slot after this one: what is left spread evenly up to the reset; with nothing
	 * left, one request per time-to-reset (the first at the reset), so that the requests
	 * held back for the reset do not all leave together when it comes.
	 */
	static long next(long slot, long reset, long untilReset, long remaining) {
		if (remaining <= 0) {
			return slot + untilReset;
		}
		return (slot < reset) ? slot + (reset - slot) / remaining : slot;
	}

	@Override
	public long reserve(long untilResetNanos, long remaining, long maxWaitNanos) {
		long now = RateLimitValues.epochNanos(this.clock.instant());
		long reset = now + untilResetNanos;
		while (true) {
			long next = this.nextSlot.get();
			long slot = Math.max((remaining > 0) ? now : reset, next);
			long wait = slot - now;
			if (wait > maxWaitNanos) {
				return RateLimiter.REFUSED;
			}
			long after = next(slot, reset, untilResetNanos, remaining);
			if (this.nextSlot.compareAndSet(next, after)) {
				return wait;
			}
		}
	}

}
