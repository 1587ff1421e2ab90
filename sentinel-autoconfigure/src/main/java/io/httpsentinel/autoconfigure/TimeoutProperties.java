package io.httpsentinel.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Timeouts of one client: connecting, the TLS handshake, waiting for the response
 * headers, gaps while reading the body, and the whole call.
 */
public class TimeoutProperties {

	/**
	 * Maximum time to establish a TCP connection.
	 */
	private @Nullable Duration connect;

	/**
	 * Maximum time for the TLS handshake once connected.
	 */
	private @Nullable Duration tlsHandshake;

	/**
	 * Maximum time from the request being sent until the response headers arrive.
	 */
	private @Nullable Duration responseHeaders;

	/**
	 * Maximum gap between two chunks of a response body once the headers arrived (not the
	 * length of the whole body, so long streams are fine).
	 */
	private @Nullable Duration readIdle;

	/**
	 * Maximum duration of a whole call: every attempt, backoff and rate-limit wait, and
	 * the reading of a buffered response body. Must be longer than 'response-headers'.
	 */
	private @Nullable Duration total;

	/**
	 * Whether 'total' also bounds streamed response bodies (text/event-stream,
	 * application/x-ndjson, ...).
	 */
	private @Nullable Boolean totalIncludesStreams;

	public @Nullable Boolean getTotalIncludesStreams() {
		return this.totalIncludesStreams;
	}

	public void setTotalIncludesStreams(@Nullable Boolean totalIncludesStreams) {
		this.totalIncludesStreams = totalIncludesStreams;
	}

	public @Nullable Duration getConnect() {
		return this.connect;
	}

	public void setConnect(@Nullable Duration connect) {
		this.connect = connect;
	}

	public @Nullable Duration getTlsHandshake() {
		return this.tlsHandshake;
	}

	public void setTlsHandshake(@Nullable Duration tlsHandshake) {
		this.tlsHandshake = tlsHandshake;
	}

	public @Nullable Duration getResponseHeaders() {
		return this.responseHeaders;
	}

	public void setResponseHeaders(@Nullable Duration responseHeaders) {
		this.responseHeaders = responseHeaders;
	}

	public @Nullable Duration getReadIdle() {
		return this.readIdle;
	}

	public void setReadIdle(@Nullable Duration readIdle) {
		this.readIdle = readIdle;
	}

	public @Nullable Duration getTotal() {
		return this.total;
	}

	public void setTotal(@Nullable Duration total) {
		this.total = total;
	}

}
