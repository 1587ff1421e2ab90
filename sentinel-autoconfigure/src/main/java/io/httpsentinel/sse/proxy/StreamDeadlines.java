package io.httpsentinel.sse.proxy;

import java.util.concurrent.TimeUnit;

/**
 * The deadlines of one forwarded stream, and which of them is due: a heartbeat after
 * silence, dropping a client that stays full past the slow-client timeout, and giving up
 * a response whose body is never subscribed. Told what happens to the stream (with the
 * time, in nanoseconds), it answers what fires now and when to look again, so that one
 * timer per stream covers them all. Owned by the stream's drain loop; reads no clock.
 */
final class StreamDeadlines {

	/** A response whose body is never subscribed is given up after this long. */
	static final long BODY_SUBSCRIBE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

	/** No deadline. */
	static final long NONE = Long.MAX_VALUE;

	/**
	 * What a deadline that came asks the stream to do.
	 */
	enum Due {

		/** Nothing yet. */
		NOTHING,

		/** The client read nothing for the slow-client timeout: drop it. */
		DROP_SLOW_CLIENT,

		/** The response was committed but its body never subscribed: close it. */
		ABANDON_BODY,

		/** Nothing was written for the heartbeat interval: write a heartbeat. */
		HEARTBEAT

	}

	private final long heartbeatNanos;

	private final long slowClientTimeoutNanos;

	private final long heartbeatEarlyNanos;

	private long committedAt = -1;

	private long lastWriteAt;

	private long fullSince = -1;

	/**
	 * Deadlines for a stream's settings.
	 * @param heartbeatNanos silence before a heartbeat, {@code 0} for none
	 * @param slowClientTimeoutNanos how long a full client may read nothing
	 */
	StreamDeadlines(long heartbeatNanos, long slowClientTimeoutNanos) {
		this(heartbeatNanos, slowClientTimeoutNanos, 0);
	}

	/**
	 * Deadlines for a stream's settings, on a timer that may fire late.
	 * @param heartbeatNanos silence before a heartbeat, {@code 0} for none
	 * @param slowClientTimeoutNanos how long a full client may read nothing
	 * @param heartbeatEarlyNanos how much earlier a heartbeat may go out: the timer's
	 * precision, so that a heartbeat never comes after more than {@code heartbeatNanos}
	 * of silence
	 */
	StreamDeadlines(long heartbeatNanos, long slowClientTimeoutNanos, long heartbeatEarlyNanos) {
		this.heartbeatNanos = heartbeatNanos;
		this.slowClientTimeoutNanos = slowClientTimeoutNanos;
		this.heartbeatEarlyNanos = Math.min(heartbeatEarlyNanos, heartbeatNanos / 2);
	}

	/**
	 * The response was committed: its body should be subscribed from now on.
	 * @param now the time
	 */
	void committed(long now) {
		this.committedAt = now;
		this.lastWriteAt = now;
	}

	boolean isCommitted() {
		return this.committedAt >= 0;
	}

	/**
	 * Something was queued for the client: the silence starts again.
	 * @param now the time
	 */
	void wrote(long now) {
		this.lastWriteAt = now;
	}

	/**
	 * Whether the slow-client timeout runs.
	 * @return whether it runs
	 */
	boolean isFull() {
		return this.fullSince >= 0;
	}

	/**
	 * What the stream holds for its client reached its limit (or must be written before
	 * the stream ends): the slow-client timeout runs from now, unless {@link #isFull() it
	 * runs already}.
	 * @param now the time
	 */
	void full(long now) {
		if (this.fullSince < 0) {
			this.fullSince = now;
		}
	}

	/**
	 * The client made room: the slow-client timeout stops.
	 * @return whether it was running
	 */
	boolean caughtUp() {
		if (this.fullSince < 0) {
			return false;
		}
		this.fullSince = -1;
		return true;
	}

	/**
	 * When a full client is dropped.
	 * @return the deadline; only while {@link #full} runs
	 */
	long slowClientDeadline() {
		return this.fullSince + this.slowClientTimeoutNanos;
	}

	/**
	 * How long the client has been full.
	 * @param now the time
	 * @return the duration in nanoseconds
	 */
	long fullFor(long now) {
		return now - this.fullSince;
	}

	/**
	 * What fires now, in order of precedence.
	 * @param now the time
	 * @param bodyStarted whether the body was subscribed
	 * @param holding whether the stream holds bytes its client did not take yet
	 * @param idle whether a heartbeat may go out: forwarding, nothing queued
	 * @return what to do
	 */
	Due due(long now, boolean bodyStarted, boolean holding, boolean idle) {
		// A client stuck with bytes to read for the whole timeout.
		if (this.fullSince >= 0 && now - this.fullSince >= this.slowClientTimeoutNanos && holding) {
			return Due.DROP_SLOW_CLIENT;
		}
		// A response nobody subscribed to.
		if (!bodyStarted && this.committedAt >= 0 && now - this.committedAt >= BODY_SUBSCRIBE_TIMEOUT_NANOS) {
			return Due.ABANDON_BODY;
		}
		// Silence for the heartbeat interval, between events.
		if (this.heartbeatNanos > 0 && idle && bodyStarted
				&& now - this.lastWriteAt >= this.heartbeatNanos - this.heartbeatEarlyNanos) {
			return Due.HEARTBEAT;
		}
		return Due.NOTHING;
	}

	/**
	 * When to look again: the earliest deadline that may come.
	 * @param now the time
	 * @param bodyStarted whether the body was subscribed
	 * @param ending whether the stream only writes what is left (no more heartbeats)
	 * @return the time, or {@link #NONE}
	 */
	long next(long now, boolean bodyStarted, boolean ending) {
		long next = NONE;
		if (this.heartbeatNanos > 0 && !ending) {
			long silence = this.heartbeatNanos - this.heartbeatEarlyNanos;
			long due = this.lastWriteAt + silence;
			next = (due > now) ? due : now + silence;
		}
		if (this.fullSince >= 0) {
			next = Math.min(next, slowClientDeadline());
		}
		if (!bodyStarted) {
			next = Math.min(next, this.committedAt + BODY_SUBSCRIBE_TIMEOUT_NANOS);
		}
		return next;
	}

}
