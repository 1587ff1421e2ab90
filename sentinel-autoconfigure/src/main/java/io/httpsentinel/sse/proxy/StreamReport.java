package io.httpsentinel.sse.proxy;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.httpsentinel.sse.proxy.SseProxyListener.ResumeOutcome;
import io.httpsentinel.sse.proxy.SseProxyListener.SlowClientAction;
import io.httpsentinel.sse.proxy.SseProxyListener.StreamEnd;

/**
 * Reports the life of one forwarded stream: one method per thing that happens to it,
 * which updates the client's {@link SseProxyStatistics}, tells the
 * {@link SseProxyListener} and logs what deserves it. Counts the stream's events and
 * bytes. Called by the stream's drain loop only.
 */
final class StreamReport {

	private static final Log logger = LogFactory.getLog(SseProxy.class);

	private final String client;

	private final SseProxyStatistics statistics;

	private final SseProxyListener listener;

	private final LongSupplier nanoTime;

	private final long startedAt;

	private long events;

	private long bytes;

	/**
	 * Start reporting a stream, asked for now.
	 * @param client the client name
	 * @param statistics the client's statistics
	 * @param listener the proxy's listener
	 * @param nanoTime the stream's time source, in nanoseconds
	 */
	StreamReport(String client, SseProxyStatistics statistics, SseProxyListener listener, LongSupplier nanoTime) {
		this.client = client;
		this.statistics = statistics;
		this.listener = listener;
		this.nanoTime = nanoTime;
		this.startedAt = nanoTime.getAsLong();
	}

	String client() {
		return this.client;
	}

	SseProxyStatistics statistics() {
		return this.statistics;
	}

	/**
	 * The downstream got a status instead of a stream (limits, shutdown, upstream).
	 * @param status the status
	 */
	void refused(int status) {
		this.statistics.refused.increment();
		this.listener.streamRefused(this.client, status);
	}

	/**
	 * The upstream refused the stream or failed before its headers.
	 * @param status the status the downstream gets
	 * @param cause the error or a description of the refusal
	 */
	void refusedByUpstream(int status, Object cause) {
		if (status == 204) {
			logger.debug("SSE stream of client '" + this.client + "': the upstream answered 204, no stream");
		}
		else {
			logger.warn("SSE stream of client '" + this.client + "' refused with " + status + ": " + cause);
		}
		refused(status);
	}

	/**
	 * The upstream answered with an event stream; the downstream response is committed.
	 */
	void opened() {
		this.statistics.opened.increment();
		this.listener.streamOpened(this.client, sinceStart());
	}

	/**
	 * Events were queued for the downstream.
	 * @param count how many, at least one
	 */
	void eventsForwarded(int count) {
		if (this.events == 0) {
			this.listener.firstEvent(this.client, sinceStart());
		}
		this.events += count;
		this.statistics.events.add(count);
	}

	/**
	 * Bytes were queued for the downstream: events, comments, heartbeats.
	 * @param size how many
	 */
	void bytesForwarded(int size) {
		this.bytes += size;
		this.statistics.bytes.add(size);
	}

	void heartbeat() {
		this.statistics.heartbeats.increment();
	}

	void resuming(String lastEventId, Throwable error) {
		if (logger.isDebugEnabled()) {
			logger.debug("SSE stream of client '" + this.client + "' lost its upstream; resuming after event id '"
					+ lastEventId + "': " + error);
		}
	}

	void resumed() {
		this.statistics.resumes.increment();
		this.listener.resume(this.client, ResumeOutcome.RESUMED);
	}

	void resumeAttemptFailed() {
		this.statistics.resumeAttemptsFailed.increment();
		this.listener.resume(this.client, ResumeOutcome.ATTEMPT_FAILED);
	}

	void resumeGaveUp() {
		this.statistics.resumesGivenUp.increment();
		this.listener.resume(this.client, ResumeOutcome.GAVE_UP);
	}

	void slowClientPaused() {
		this.statistics.slowClientPauses.increment();
		this.listener.slowClient(this.client, SlowClientAction.PAUSED);
	}

	/**
	 * The downstream client is dropped for being too slow.
	 * @param stuckNanos how long it read nothing
	 * @param held bytes waiting for it
	 */
	void slowClientDropped(long stuckNanos, long held) {
		logger.warn("SSE stream of client '" + this.client + "': dropping a downstream client that read nothing for "
				+ Duration.ofNanos(stuckNanos).toMillis() + "ms with " + held + " bytes waiting");
		this.statistics.slowClientDrops.increment();
		this.listener.slowClient(this.client, SlowClientAction.DROPPED);
	}

	/**
	 * The stream ends because of an error after the response was committed.
	 * @param error the error
	 */
	void failed(Throwable error) {
		logger.warn("SSE stream of client '" + this.client + "' failed after " + this.events
				+ " events; ending it with an error event: " + error);
	}

	void errorEventSent() {
		this.statistics.errorEvents.increment();
	}

	void bodyNeverSubscribed() {
		logger.warn("SSE stream of client '" + this.client + "': the response body was never subscribed; closing it");
	}

	void failedInternally(Throwable error) {
		logger.error("SSE stream of client '" + this.client + "' failed", error);
	}

	/**
	 * The stream is over.
	 * @param how how it ended, or {@code null} if it never opened
	 */
	void closed(@Nullable StreamEnd how) {
		if (how == null) {
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("SSE stream of client '" + this.client + "' ended (" + how + ") after " + this.events
					+ " events, " + this.bytes + " bytes");
		}
		this.listener.streamClosed(this.client, how, sinceStart(), this.events, this.bytes);
	}

	private Duration sinceStart() {
		return Duration.ofNanos(this.nanoTime.getAsLong() - this.startedAt);
	}

}
