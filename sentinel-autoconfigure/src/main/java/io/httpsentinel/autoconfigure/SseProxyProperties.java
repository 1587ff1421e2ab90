package io.httpsentinel.autoconfigure;

import java.time.Duration;

/**
 * Forwarding of SSE streams with SseProxy, over all clients ({@code sentinel.sse.*}). The
 * per-client keys are under {@code sentinel.clients.<name>.sse}.
 */
public class SseProxyProperties {

	/**
	 * Most streams forwarded at the same time over all clients; more are answered with
	 * 503 and Retry-After without contacting the upstream. -1 for no limit.
	 */
	private int maxStreams = 10_000;

	/**
	 * Reconnection time sent to downstream clients ('retry:' field) when the application
	 * shuts down and ends their streams, so that browsers come back after that long
	 * (typically to another instance). 0 sends none. A browser keeps it for later
	 * reconnects of the same EventSource too.
	 */
	private Duration shutdownRetry = Duration.ZERO;

	public int getMaxStreams() {
		return this.maxStreams;
	}

	public void setMaxStreams(int maxStreams) {
		this.maxStreams = maxStreams;
	}

	public Duration getShutdownRetry() {
		return this.shutdownRetry;
	}

	public void setShutdownRetry(Duration shutdownRetry) {
		this.shutdownRetry = shutdownRetry;
	}

}
