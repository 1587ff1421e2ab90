package io.httpsentinel.client;

/**
 * How much of each exchange a client logs, at DEBUG level, on the logger
 * {@code io.httpsentinel.exchange.<client>}. Every level includes the one before it.
 * Secrets are redacted at every level (see {@link Redactor}).
 */
public enum ExchangeLogLevel {

	/**
	 * Nothing: the client has no logging filter at all.
	 */
	NONE,

	/**
	 * Request line (method, URL with secret query parameters redacted) and response line
	 * (status, time to the response headers), or the error of the attempt.
	 */
	BASIC,

	/**
	 * Also the request and response headers, secret ones redacted.
	 */
	HEADERS,

	/**
	 * Also the textual request and response bodies, chunk by chunk as they pass, up to
	 * {@code log-body-limit} per body. Bodies are never buffered or consumed for logging,
	 * so streams flow unchanged.
	 */
	BODY

}
