package io.httpsentinel.chaos;

/**
 * What {@link FaultInjectingProxy} can do to a connection or to one request instead of
 * forwarding it faithfully. A connection fault happens as the connection is accepted,
 * before any byte is read; a request fault once a whole request has arrived. Unless a
 * fault answers for the upstream (503, 429), the request is forwarded first, so the
 * upstream counts it as processed, as a real server that failed mid-way would have.
 */
enum Fault {

	/**
	 * Accepted and reset at once (RST, nothing read): the closest one listening port gets
	 * to refusing a single connection.
	 */
	REFUSED(true, false),

	/** TLS only: the client's hello is read and never answered. */
	TLS_HANDSHAKE_STALL(true, false),

	/**
	 * The request is forwarded, then the connection reset (RST) before any response byte.
	 */
	RESET_BEFORE_RESPONSE(false, true),

	/** Status line, headers and half of the body, then a reset (RST). */
	RESET_MID_BODY(false, true),

	/** A 503 with {@code Retry-After} in seconds; the upstream never sees the request. */
	UNAVAILABLE_RETRY_AFTER_SECONDS(false, false),

	/**
	 * A 503 with {@code Retry-After} as an HTTP-date; the upstream never sees the
	 * request.
	 */
	UNAVAILABLE_RETRY_AFTER_DATE(false, false),

	/** A 429 with {@code retry-after-ms}; the upstream never sees the request. */
	TOO_MANY_REQUESTS_RETRY_AFTER_MS(false, false),

	/**
	 * The request is forwarded and no response byte ever comes: past any response
	 * timeout.
	 */
	STALL_BEFORE_HEADERS(false, true),

	/** Headers and half of the body, then nothing more: past any read-idle timeout. */
	STALL_MID_BODY(false, true),

	/** The whole response, in small pieces far apart (within the read-idle timeout). */
	SLOW_DRIP(false, true),

	/**
	 * A chunked body cut in the middle of a chunk's data, then a clean close (FIN): no
	 * last chunk.
	 */
	TRUNCATED_CHUNKED(false, true),

	/**
	 * The request is forwarded, then the proxy shuts down its sending side (FIN) without
	 * a response and keeps reading: a half-closed connection.
	 */
	HALF_CLOSE(false, true),

	/** The request is forwarded, then bytes that are not HTTP come back, and a close. */
	NOT_HTTP(false, true);

	private final boolean connectionLevel;

	private final boolean forwarded;

	Fault(boolean connectionLevel, boolean forwarded) {
		this.connectionLevel = connectionLevel;
		this.forwarded = forwarded;
	}

	/**
	 * Whether the fault hits a new connection rather than one request.
	 * @return whether it is a connection fault
	 */
	boolean connectionLevel() {
		return this.connectionLevel;
	}

	/**
	 * Whether the upstream sees the request before the fault happens.
	 * @return whether the request is forwarded
	 */
	boolean forwarded() {
		return this.forwarded;
	}

}
