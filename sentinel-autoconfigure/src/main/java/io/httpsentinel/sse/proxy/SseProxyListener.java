package io.httpsentinel.sse.proxy;

import java.time.Duration;
import java.util.List;

/**
 * Told about the life of every stream {@link SseProxy} forwards, for metrics and logs.
 * Counters that grow with every event (events, bytes, heartbeats) are not reported here
 * but kept in {@link SseProxyStatistics}, so that forwarding an event costs no call.
 * Methods run on the stream's threads (often a Netty event loop): keep them quick and
 * never block. Every method has an empty default.
 */
public interface SseProxyListener {

	/**
	 * A listener that does nothing.
	 */
	SseProxyListener NONE = new SseProxyListener() {
	};

	/**
	 * A listener that tells the given ones, in order.
	 * @param listeners the listeners
	 * @return the combined listener
	 */
	static SseProxyListener composite(List<SseProxyListener> listeners) {
		return switch (listeners.size()) {
			case 0 -> NONE;
			case 1 -> listeners.get(0);
			default -> new CompositeSseProxyListener(listeners);
		};
	}

	/**
	 * A stream was refused before it reached the upstream, or its upstream refused it or
	 * failed before answering: the downstream got the given status instead.
	 * @param client the client name
	 * @param status the status sent downstream (503, 502, 504, 204)
	 */
	default void streamRefused(String client, int status) {
	}

	/**
	 * A stream opened: the upstream answered with an event stream and the downstream
	 * response was committed.
	 * @param client the client name
	 * @param timeToOpen from the downstream request to the upstream's headers
	 */
	default void streamOpened(String client, Duration timeToOpen) {
	}

	/**
	 * The first event of a stream was forwarded.
	 * @param client the client name
	 * @param timeToFirstEvent from the downstream request to the first event forwarded
	 */
	default void firstEvent(String client, Duration timeToFirstEvent) {
	}

	/**
	 * Something happened while resuming a stream's upstream.
	 * @param client the client name
	 * @param outcome what happened
	 */
	default void resume(String client, ResumeOutcome outcome) {
	}

	/**
	 * A stream's downstream client could not keep up.
	 * @param client the client name
	 * @param action what the proxy did
	 */
	default void slowClient(String client, SlowClientAction action) {
	}

	/**
	 * A stream that had opened ended.
	 * @param client the client name
	 * @param end how it ended
	 * @param duration how long it was open, from the downstream request
	 * @param events events forwarded
	 * @param bytes bytes forwarded (events, comments and heartbeats)
	 */
	default void streamClosed(String client, StreamEnd end, Duration duration, long events, long bytes) {
	}

	/**
	 * Outcome of a resume.
	 */
	enum ResumeOutcome {

		/** A reconnect was made and the upstream answered with an event stream. */
		RESUMED,

		/** A reconnect failed; another may follow. */
		ATTEMPT_FAILED,

		/**
		 * No more reconnects: the limits were reached, or the error cannot be resumed.
		 */
		GAVE_UP

	}

	/**
	 * What the proxy did about a slow downstream client.
	 */
	enum SlowClientAction {

		/** The buffer was full: the proxy stopped reading the upstream for a while. */
		PAUSED,

		/** The client was disconnected. */
		DROPPED

	}

	/**
	 * How a stream ended.
	 */
	enum StreamEnd {

		/** The upstream ended the stream. */
		COMPLETED,

		/** The upstream failed (and was not resumed): the error event was sent. */
		UPSTREAM_FAILED,

		/** The downstream client went away. */
		CLIENT_LEFT,

		/** The downstream client was too slow and was disconnected. */
		SLOW_CLIENT_DROPPED,

		/** The application shut down. */
		SHUTDOWN

	}

}
