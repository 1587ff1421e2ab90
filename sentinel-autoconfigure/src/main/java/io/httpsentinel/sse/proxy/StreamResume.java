package io.httpsentinel.sse.proxy;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import io.httpsentinel.sse.ReconnectStreak;
import io.httpsentinel.sse.SseResponseException;
import io.httpsentinel.sse.SseResumeSettings;
import io.httpsentinel.sse.proxy.UpstreamConnection.Head;

/**
 * The resume of a forwarded stream's upstream: takes the failure and what each reconnect
 * answers, schedules the next reconnect on the stream's timer as its
 * {@link ReconnectStreak} decides, and tells the stream what comes next
 * ({@link Outcome}); reports each outcome. Made on the stream's first failure; owned by
 * its drain loop.
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
	 * @return {@link Outcome#RETRYING} or {@link Outcome#GAVE_UP}
	 */
	Outcome failed(Throwable error, String lastEventId, @Nullable Duration serverRetry) {
		this.report.resuming(lastEventId, error);
		this.failure = error;
		return schedule(this.streak.nextDelay(serverRetry));
	}

	/**
	 * A reconnect was answered.
	 * @param head the status and headers of the answer
	 * @param serverRetry the upstream's {@code retry:} time, or {@code null}
	 * @return {@link Outcome#RESUMED} for an event stream, {@link Outcome#NO_MORE_EVENTS}
	 * for a 204, else {@link Outcome#RETRYING} or {@link Outcome#GAVE_UP}
	 */
	Outcome answered(Head head, @Nullable Duration serverRetry) {
		if (head.status() == HttpStatus.NO_CONTENT.value()) {
			return Outcome.NO_MORE_EVENTS;
		}
		if (head.isEventStream()) {
			this.report.resumed();
			return Outcome.RESUMED;
		}
		return attemptFailed(new SseResponseException(this.report.client(), head.status(),
				head.headers().getFirst(HttpHeaders.CONTENT_TYPE), ""), serverRetry);
	}

	/**
	 * A reconnect ended before its headers.
	 * @param error its error, or {@code null} if it ended without one
	 * @param serverRetry the upstream's {@code retry:} time, or {@code null}
	 * @return {@link Outcome#RETRYING} or {@link Outcome#GAVE_UP}
	 */
	Outcome ended(@Nullable Throwable error, @Nullable Duration serverRetry) {
		return attemptFailed((error != null) ? error
				: new SseResponseException(this.report.client(), HttpStatus.BAD_GATEWAY.value(), null, "no response"),
				serverRetry);
	}

	private Outcome attemptFailed(Throwable error, @Nullable Duration serverRetry) {
		this.report.resumeAttemptFailed();
		this.failure = error;
		// One refused here (breaker, pause, rate limit) does not spend an attempt: the
		// stream waits it out, within max-elapsed.
		return Resumable.attemptError(error) ? schedule(this.streak.nextDelay(serverRetry, error)) : giveUp();
	}

	/**
	 * The error to end the stream with, after {@link Outcome#GAVE_UP}.
	 * @return the last failure
	 */
	Throwable failure() {
		return Objects.requireNonNull(this.failure);
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

	private Outcome schedule(@Nullable Duration delay) {
		if (delay == null) {
			return giveUp();
		}
		this.task = this.timer.schedule(this.reconnect, delay.toNanos(), TimeUnit.NANOSECONDS);
		return Outcome.RETRYING;
	}

	private Outcome giveUp() {
		this.report.resumeGaveUp();
		return Outcome.GAVE_UP;
	}

	/**
	 * What the stream does after a failure or a reconnect's answer.
	 */
	enum Outcome {

		/** The reconnect answered with an event stream: stream again. */
		RESUMED,

		/** Wait: a reconnect is scheduled. */
		RETRYING,

		/** The upstream answered 204, it has nothing more: complete the stream. */
		NO_MORE_EVENTS,

		/** End the stream with the {@link #failure()}. */
		GAVE_UP

	}

}
