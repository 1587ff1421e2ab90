package io.httpsentinel.sse;

/**
 * What a forwarded SSE stream does when its downstream client reads more slowly than the
 * upstream writes and the stream's buffer ({@code sse.buffer-size}) is full.
 */
public enum SlowClientPolicy {

	/**
	 * Stop reading the upstream, so that TCP flow control slows it down, and drop the
	 * client if it makes no progress for {@code sse.slow-client-timeout}.
	 */
	BACKPRESSURE,

	/**
	 * Drop the client as soon as the buffer is full; the upstream is never slowed down.
	 */
	DROP

}
