package io.httpsentinel.sse.proxy;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

import io.httpsentinel.sse.ReconnectStreak;
import io.httpsentinel.sse.SseResumeSettings;

/**
 * The resume of a forwarded stream's upstream: after each failure, schedules the next
 * reconnect on the stream's timer as its {@link ReconnectStreak} decides, or says that
 * the stream must end, and with which error; reports each outcome. Made on the stream's
 * first failure; owned by its drain loop.
 */
final class StreamResume {

	private final Scheduler timer;

	private final Runnable reconnect;

	private final StreamReport report;

	private final ReconnectStreak streak;

	private @Nullable Throwable failure;

	private @Nullable Disposable task;

	/**
	 * Resume a stream.
	 * @param settings the resolved resume settings
	 * @param timer where the reconnects are scheduled
	 * @param nanoTime the stream's time source, in nanoseconds
	 * @param reconnect wakes the stream up to reconnect
	 * @param report told each outcome
	 */
	StreamResume(SseResumeSettings settings, Scheduler timer, LongSupplier nanoTime, Runnable reconnect,
			StreamReport report) {
		this.timer = timer;
		this.reconnect = reconnect;
		this.report = report;
		this.streak = ReconnectStreak.of(settings, nanoTime);
	}

	/**
	 * The upstream of an open stream failed, in a way worth resuming.
	 * @param error the failure
	 * @param lastEventId the id of the last event forwarded
	 * @param serverRetry the upstream's {@code retry:} time, or {@code null}
	 * @return {@code null} if a reconnect is scheduled, or the error to end the stream
	 * with
	 */
	@Nullable Throwable failed(Throwable error, String lastEventId, @Nullable Duration serverRetry) {
		this.report.resuming(lastEventId, error);
		this.failure = error;
		return schedule(serverRetry);
	}

	/**
	 * A reconnect failed.
	 * @param error the failure of the reconnect
	 * @param serverRetry the upstream's {@code retry:} time, or {@code null}
	 * @return {@code null} if another reconnect is scheduled, or the error to end the
	 * stream with
	 */
	@Nullable Throwable attemptFailed(Throwable error, @Nullable Duration serverRetry) {
		this.report.resumeAttemptFailed();
		this.failure = error;
		return Resumable.attemptError(error) ? schedule(serverRetry) : giveUp();
	}

	/**
	 * A reconnect was answered with an event stream.
	 */
	void resumed() {
		this.report.resumed();
	}

	/**
	 * An event arrived: a streak of resumes, if any, is over.
	 */
	void eventForwarded() {
		this.streak.reset();
	}

	/**
	 * Cancel a reconnect that was scheduled: the stream ends.
	 */
	void cancel() {
		if (this.task != null) {
			this.task.dispose();
			this.task = null;
		}
	}

	private @Nullable Throwable schedule(@Nullable Duration serverRetry) {
		Duration delay = this.streak.nextDelay(serverRetry);
		if (delay == null) {
			return giveUp();
		}
		this.task = this.timer.schedule(this.reconnect, delay.toNanos(), TimeUnit.NANOSECONDS);
		return null;
	}

	private Throwable giveUp() {
		this.report.resumeGaveUp();
		return Objects.requireNonNull(this.failure);
	}

}
