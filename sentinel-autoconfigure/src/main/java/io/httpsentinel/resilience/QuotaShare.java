package io.httpsentinel.resilience;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The share of a provider's quota that adaptive pacing lets this process spend: all of it
 * until a 429 shows that others spend the same quota (the replicas of a service, each
 * reading the same remaining count in the headers and each believing it all theirs); from
 * then on, the part of the quota's recent use that was this process's own: its requests
 * answered over the last quota window (the longest time to the reset seen, counted in
 * {@link RecentCount}'s buckets) against the requests the provider counts in its window
 * (limit − remaining).
 * <ul>
 * <li>The replicas' shares add up to the whole quota by construction, whatever the number
 * of replicas, which none of them knows: each paces at the rate it achieved, and together
 * they pace at the quota's own rate.</li>
 * <li>429s do not count: a replica that tried to send more than it got is held to what it
 * got; a replica that stops frees its part, which shows as a lower count in the window,
 * so the others' shares grow.</li>
 * <li>Alone on its quota, a process counts at least what the provider counts, whatever
 * the kind of window (fixed, sliding, a token bucket's deficit), so its share stays
 * whole, 429 or not.</li>
 * </ul>
 * Not used where the replicas share one {@link PacingSchedule#isShared() schedule}.
 * Thread-safe; {@link #value()} reads one volatile field, a response takes a lock for a
 * sum over 64 buckets.
 */
final class QuotaShare {

	/** The smallest share: a process always keeps a way back. */
	static final double SMALLEST = 1.0 / 64;

	private static final Mono<Long> NO_WAIT = Mono.just(0L);

	/** The share, as read on the call path; written under this object's lock. */
	private volatile double value = 1;

	/** Whether a 429 was seen: only then may others spend the quota; guarded by this. */
	private boolean shared;

	/** This process's requests answered over the window; guarded by this. */
	private final RecentCount answered = new RecentCount();

	/** When the first quota was stated, nanoseconds since the epoch; guarded by this. */
	private long firstAnsweredAt = Long.MIN_VALUE;

	/** Longest time to the reset seen, in nanoseconds: the quota's window. */
	private volatile long window;

	/** Whether this process paces by its share at all. */
	private final boolean enabled;

	/**
	 * Create the share of a process.
	 * @param enabled whether the process paces by it; not when the replicas share one
	 * schedule, which already spreads their requests together
	 */
	QuotaShare(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * The share of the quota this process may spend.
	 * @return more than 0, at most 1
	 */
	double value() {
		return this.value;
	}

	/**
	 * A response arrived.
	 * @param nowNanos now, in nanoseconds since the Unix epoch
	 * @param tooManyRequests whether it is a 429
	 * @param stated the quota it stated, if any
	 * @param limit requests per window, as stated or estimated
	 */
	synchronized void onResponse(long nowNanos, boolean tooManyRequests, @Nullable RateLimitQuota stated, long limit) {
		if (stated != null) {
			this.window = Math.max(this.window, stated.resetNanos() - nowNanos);
		}
		if (!this.enabled) {
			return;
		}
		if (tooManyRequests) {
			this.shared = true;
		}
		if (stated == null) {
			return;
		}
		long window = this.window;
		if (!tooManyRequests && window > 0) {
			// Spent from the quota: it counted this request.
			this.answered.add(nowNanos, window);
		}
		if (this.firstAnsweredAt == Long.MIN_VALUE) {
			this.firstAnsweredAt = nowNanos;
		}
		// Only with a window of history: a process that just started (or whose first
		// answer is a 429) has not counted its own part of the window yet.
		if (this.shared && limit > 0 && nowNanos - this.firstAnsweredAt >= window) {
			long used = Math.max(1, limit - Math.max(0, stated.remaining()));
			this.value = Math.max(SMALLEST, Math.min(1, (double) this.answered.count(nowNanos, window) / used));
		}
	}

	/**
	 * Take this process's share of a {@link PacingSchedule} reservation: the share of the
	 * requests left, spread over the time to the reset; when the share leaves less than
	 * one request (or none was left), none before the share's turn, (the time to the
	 * reset, or the quota's pace when longer) / share, and one per pace / share after it.
	 * The quota's pace is window / limit: what comes back at least, whatever the kind of
	 * window (the time to the reset when the window is not known yet).
	 * @param schedule where the slots are kept
	 * @param untilResetNanos the time to the reset (more than 0)
	 * @param remaining the requests left as the provider stated them, this one included
	 * @param limit requests per window
	 * @param maxWaitNanos longest acceptable wait
	 * @return as {@link PacingSchedule#reserve}
	 */
	long reserve(PacingSchedule schedule, long untilResetNanos, long remaining, long limit, long maxWaitNanos) {
		Slot slot = slot(untilResetNanos, remaining, limit);
		return schedule.reserve(slot.untilReset, slot.remaining, slot.pace, maxWaitNanos);
	}

	/**
	 * {@link #reserve}, on a schedule that needs I/O.
	 */
	Mono<Long> reserveAsync(PacingSchedule schedule, long untilResetNanos, long remaining, long limit,
			long maxWaitNanos) {
		Slot slot = slot(untilResetNanos, remaining, limit);
		return schedule.reserveAsync(slot.untilReset, slot.remaining, slot.pace, maxWaitNanos);
	}

	/**
	 * Take this process's share of the quota's pace once the stated reset passed with no
	 * newer response: one request per pace / share. Whatever the kind of window, at least
	 * that much came back; a sliding window's reset is only when its oldest request
	 * leaves it, a few milliseconds away under load, and sending freely past it spends
	 * the quota at once (and, with replicas, every replica spends it).
	 * @param schedule where the slots are kept
	 * @param limit requests per window
	 * @param maxWaitNanos longest acceptable wait
	 * @return as {@link PacingSchedule#reserve}, 0 while the window is not known
	 */
	long reserveAfterReset(PacingSchedule schedule, long limit, long maxWaitNanos) {
		long interval = intervalAfterReset(limit);
		return (interval > 0) ? schedule.reserve(interval, 0, interval, maxWaitNanos) : 0;
	}

	/**
	 * {@link #reserveAfterReset}, on a schedule that needs I/O.
	 */
	Mono<Long> reserveAfterResetAsync(PacingSchedule schedule, long limit, long maxWaitNanos) {
		long interval = intervalAfterReset(limit);
		return (interval > 0) ? schedule.reserveAsync(interval, 0, interval, maxWaitNanos) : NO_WAIT;
	}

	/**
	 * The time to wait for the reset once nothing is left.
	 * @param untilResetNanos the time to the reset the provider stated
	 * @param limit requests per window
	 * @return that time, stretched by the share
	 */
	long untilReset(long untilResetNanos, long limit) {
		return slot(untilResetNanos, 0, limit).untilReset;
	}

	private Slot slot(long untilResetNanos, long remaining, long limit) {
		double share = this.value;
		long window = this.window;
		long pace = (window > 0 && limit > 0) ? window / limit : untilResetNanos;
		if (share >= 1) {
			return new Slot(untilResetNanos, remaining, pace);
		}
		long mine = (remaining > 0) ? (long) Math.floor(remaining * share) : remaining;
		// Less than one request of the share left: wait for this process's turn.
		long untilReset = (mine > 0) ? untilResetNanos : (long) (Math.max(untilResetNanos, pace) / share);
		return new Slot(untilReset, mine, (long) (pace / share));
	}

	private long intervalAfterReset(long limit) {
		long window = this.window;
		return (limit > 0 && window > 0) ? (long) (window / limit / this.value) : 0;
	}

	/**
	 * The arguments of a reservation on the schedule.
	 */
	private record Slot(long untilReset, long remaining, long pace) {
	}

}
