package io.httpsentinel.sse.proxy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of the streams {@link SseProxy} forwards for one client, cheap to update
 * and to read: a meter binder can read them with function counters and gauges. Counters
 * only grow; {@link #activeStreams()} goes up and down.
 */
public final class SseProxyStatistics {

	private final String client;

	final AtomicInteger active = new AtomicInteger();

	final LongAdder opened = new LongAdder();

	final LongAdder refused = new LongAdder();

	final LongAdder events = new LongAdder();

	final LongAdder bytes = new LongAdder();

	final LongAdder heartbeats = new LongAdder();

	final LongAdder resumes = new LongAdder();

	final LongAdder resumeAttemptsFailed = new LongAdder();

	final LongAdder resumesGivenUp = new LongAdder();

	final LongAdder slowClientPauses = new LongAdder();

	final LongAdder slowClientDrops = new LongAdder();

	final LongAdder errorEvents = new LongAdder();

	SseProxyStatistics(String client) {
		this.client = client;
	}

	/**
	 * Name of the client.
	 * @return the client name
	 */
	public String client() {
		return this.client;
	}

	/**
	 * Streams open now (from the downstream request until the stream ended).
	 * @return the number of streams
	 */
	public int activeStreams() {
		return this.active.get();
	}

	/**
	 * Streams opened (the upstream answered with an event stream).
	 * @return the count
	 */
	public long streamsOpened() {
		return this.opened.sum();
	}

	/**
	 * Streams refused with a status before they opened (limits, shutdown, upstream
	 * errors).
	 * @return the count
	 */
	public long streamsRefused() {
		return this.refused.sum();
	}

	/**
	 * Events forwarded (with data; comments and heartbeats not counted).
	 * @return the count
	 */
	public long eventsForwarded() {
		return this.events.sum();
	}

	/**
	 * Bytes forwarded: events, comments and heartbeats.
	 * @return the count
	 */
	public long bytesForwarded() {
		return this.bytes.sum();
	}

	/**
	 * Heartbeat comments sent.
	 * @return the count
	 */
	public long heartbeats() {
		return this.heartbeats.sum();
	}

	/**
	 * Upstreams resumed after a failure (reconnected with an event stream).
	 * @return the count
	 */
	public long resumes() {
		return this.resumes.sum();
	}

	/**
	 * Reconnects of a resume that failed.
	 * @return the count
	 */
	public long resumeAttemptsFailed() {
		return this.resumeAttemptsFailed.sum();
	}

	/**
	 * Streams whose resume gave up.
	 * @return the count
	 */
	public long resumesGivenUp() {
		return this.resumesGivenUp.sum();
	}

	/**
	 * Times a stream stopped reading its upstream because its client was slow.
	 * @return the count
	 */
	public long slowClientPauses() {
		return this.slowClientPauses.sum();
	}

	/**
	 * Clients disconnected for being too slow.
	 * @return the count
	 */
	public long slowClientDrops() {
		return this.slowClientDrops.sum();
	}

	/**
	 * Streams ended with the in-band error event.
	 * @return the count
	 */
	public long errorEvents() {
		return this.errorEvents.sum();
	}

	@Override
	public String toString() {
		return "SseProxyStatistics[client=" + this.client + ", active=" + activeStreams() + ", opened="
				+ streamsOpened() + ", refused=" + streamsRefused() + ", events=" + eventsForwarded() + ", bytes="
				+ bytesForwarded() + ", heartbeats=" + heartbeats() + ", resumes=" + resumes() + ", slowClientDrops="
				+ slowClientDrops() + ", errorEvents=" + errorEvents() + "]";
	}

}
