package io.httpsentinel.sse.proxy;

import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * The one timer of a forwarded stream, set for the next of its {@link StreamDeadlines}:
 * moved only when a deadline comes sooner than the one it is set for, and set again when
 * it fires, so that a busy stream does not reschedule it on every event. Owned by the
 * stream's drain loop.
 */
final class DeadlineTimer {

	private final Scheduler timer;

	private final Runnable fire;

	private @Nullable Disposable task;

	private long at;

	/**
	 * A timer that is not set.
	 * @param timer where it runs
	 * @param fire wakes the stream up to look at its deadlines
	 */
	DeadlineTimer(Scheduler timer, Runnable fire) {
		this.timer = timer;
		this.fire = fire;
	}

	/**
	 * Set the timer, in place of any time it was set for.
	 * @param at when it fires, in the timer's nanoseconds
	 * @param now the time now
	 */
	void set(long at, long now) {
		cancel();
		this.at = at;
		this.task = this.timer.schedule(this.fire, Math.max(0, at - now), TimeUnit.NANOSECONDS);
	}

	/**
	 * Make sure the timer fires by a deadline.
	 * @param deadline the deadline
	 * @param now the time now
	 */
	void setBy(long deadline, long now) {
		if (this.task == null || this.at > deadline) {
			set(deadline, now);
		}
	}

	/**
	 * The timer fired: it is not set any more.
	 */
	void fired() {
		this.task = null;
	}

	/**
	 * Unset the timer.
	 */
	void cancel() {
		if (this.task != null) {
			this.task.dispose();
			this.task = null;
		}
	}

}
