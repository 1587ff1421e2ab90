package io.httpsentinel.resilience;

import java.time.Clock;

import reactor.core.publisher.Mono;

import io.httpsentinel.Internal;

/**
 * The slots adaptive pacing hands out: each reservation gets the earliest slot that is at
 * least its interval after the previous reservation's slot and not before its own
 * earliest time (a GCRA schedule with no burst). Kept in this process, or in Redis so
 * that the replicas of a client, which all see the same remaining quota in the provider's
 * headers, spread it together instead of each spending it at the full pace.
 * Implementations must be thread-safe.
 */
@Internal
public interface PacingSchedule {

	/**
	 * A schedule kept in this process.
	 * @param clock the wall clock
	 * @return the schedule
	 */
	static PacingSchedule local(Clock clock) {
		return new LocalPacingSchedule(clock);
	}

	/**
	 * Reserve the next slot, without I/O. Only called when {@link #isAsync()} is
	 * {@code false}.
	 * @param untilResetNanos time left until the quota is back (more than 0)
	 * @param remaining requests left, this one included (0 or less: none before the
	 * reset)
	 * @param paceNanos the time between slots once nothing is left, after the first at
	 * the reset, and past the reset: what at least comes back at the reset
	 * @param maxWaitNanos longest acceptable wait
	 * @return nanoseconds to wait before sending, or {@link RateLimiter#REFUSED} when the
	 * slot is further away than {@code maxWaitNanos}; then nothing was reserved
	 */
	long reserve(long untilResetNanos, long remaining, long paceNanos, long maxWaitNanos);

	/**
	 * Whether the replicas of the client share this schedule: then their reservations are
	 * already spread together, and none paces by its own share of the quota.
	 * @return {@code true} for a schedule kept outside this process
	 */
	default boolean isShared() {
		return false;
	}

	/**
	 * Whether a reservation needs I/O: then {@link #reserveAsync} is called instead.
	 * @return {@code true} for a schedule kept outside this process
	 */
	default boolean isAsync() {
		return false;
	}

	/**
	 * Reserve the next slot, when that needs I/O; completes within the schedule's own
	 * bound and never with an error (pacing is advisory).
	 * @param untilResetNanos as for {@link #reserve}
	 * @param remaining as for {@link #reserve}
	 * @param paceNanos as for {@link #reserve}
	 * @param maxWaitNanos as for {@link #reserve}
	 * @return as for {@link #reserve}
	 */
	default Mono<Long> reserveAsync(long untilResetNanos, long remaining, long paceNanos, long maxWaitNanos) {
		return Mono.fromSupplier(() -> reserve(untilResetNanos, remaining, paceNanos, maxWaitNanos));
	}

}
