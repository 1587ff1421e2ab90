package io.httpsentinel.sse.proxy;

/**
 * Where a forwarded stream is in its life, from waiting for the upstream's headers to
 * over; only moves forward, except that a resumed stream streams again.
 */
enum StreamPhase {

	/**
	 * Waiting for the upstream's headers; the downstream response is not committed.
	 */
	CONNECTING,

	/** Forwarding. */
	STREAMING,

	/** The upstream failed; waiting to reconnect, or reconnecting. */
	RESUMING,

	/** Writing what is left (the error event, a retry hint), then completing. */
	ENDING,

	/** Over: everything is released, and nothing happens any more. */
	DONE

}
