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
	 * left, the first at the reset and one per pace after it, so that the requests held
	 * back for the reset do not all leave together when it comes. A slot already past the
	 * reset (earlier reservations queued beyond it) takes the pace too: handing it again
	 * would send the queue in one burst.
	 */
	static long next(long slot, long reset, long pace, long remaining) {
		if (remaining <= 0 || slot >= reset) {
			return slot + pace;
		}
		return slot + (reset - slot) / remaining;
	}

	@Override
	public long reserve(long untilResetNanos, long remaining, long paceNanos, long maxWaitNanos) {
		long now = RateLimitValues.epochNanos(this.clock.instant());
		long reset = now + untilResetNanos;
		while (true) {
			long next = this.nextSlot.get();
			long slot = Math.max((remaining > 0) ? now : reset, next);
			long wait = slot - now;
			if (wait > maxWaitNanos) {
				return RateLimiter.REFUSED;
			}
			long after = next(slot, reset, paceNanos, remaining);
			if (this.nextSlot.compareAndSet(next, after)) {
				return wait;
			}
		}
	}

}
