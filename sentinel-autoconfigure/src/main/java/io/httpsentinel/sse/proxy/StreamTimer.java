package io.httpsentinel.sse.proxy;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

import io.httpsentinel.resilience.DeadlineTimer;
import io.httpsentinel.sse.proxy.StreamDeadlines.Due;

/**
 * The one timer of a forwarded stream, set for the next of its {@link StreamDeadlines}
 * and telling, when it fires, which of them came: moved only when a deadline comes sooner
 * than the one it is set for, and set again when it fires, so that a busy stream does not
 * reschedule it on every event. Owned by the stream's drain loop.
 */
final class StreamTimer {

	private final DeadlineTimer timers;

	private final StreamDeadlines deadlines;

	private final Runnable fire;

	private @Nullable Disposable task;

	private long at;

	/**
	 * A timer that is not set.
	 * @param scheduler where it runs
	 * @param deadlines the deadlines it is set for
	 * @param fire wakes the stream up to look at its deadlines
	 */
	StreamTimer(Scheduler scheduler, StreamDeadlines deadlines, Runnable fire) {
		this(DeadlineTimer.on(() -> scheduler), deadlines, fire);
	}

	/**
	 * A timer that is not set.
	 * @param timers where it runs
	 * @param deadlines the deadlines it is set for
	 * @param fire wakes the stream up to look at its deadlines
	 */
	StreamTimer(DeadlineTimer timers, StreamDeadlines deadlines, Runnable fire) {
		this.timers = timers;
		this.deadlines = deadlines;
		this.fire = fire;
	}

	/**
	 * Set the timer for the next deadline that may come, if any, in place of any time it
	 * was set for.
	 * @param now the time now
	 * @param bodyStarted whether the body was subscribed
	 * @param ending whether the stream only writes what is left
	 */
	void setNext(long now, boolean bodyStarted, boolean ending) {
		long next = this.deadlines.next(now, bodyStarted, ending);
		if (next != StreamDeadlines.NONE) {
			set(next, now);
		}
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

	private void set(long at, long now) {
		cancel();
		this.at = at;
		this.task = this.timers.schedule(this.fire, Math.max(0, at - now));
	}

	/**
	 * The timer fired: say which deadline came, and set the timer again, unless that
	 * deadline ends the stream.
	 * @param now the time now
	 * @param bodyStarted whether the body was subscribed
	 * @param holding whether the stream holds bytes its client did not take yet
	 * @param idle whether a heartbeat may go out: forwarding, nothing queued
	 * @param ending whether the stream only writes what is left
	 * @return what to do
	 */
	Due fired(long now, boolean bodyStarted, boolean holding, boolean idle, boolean ending) {
		this.task = null;
		Due due = this.deadlines.due(now, bodyStarted, holding, idle);
		if (due == Due.NOTHING || due == Due.HEARTBEAT) {
			// A heartbeat written now would not move the next deadline: the silence it
			// ends was at least one interval long.
			setNext(now, bodyStarted, ending);
		}
		return due;
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
