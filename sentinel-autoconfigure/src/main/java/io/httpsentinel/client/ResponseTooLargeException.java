package io.httpsentinel.client;

import org.springframework.util.unit.DataSize;

/**
 * Thrown when a response body to be buffered in memory is larger than the client's
 * {@code max-response-size}. The connection is closed rather than drained, so a huge body
 * neither fills the heap nor keeps the connection busy.
 */
public class ResponseTooLargeException extends SentinelException {

	private final DataSize limit;

	public ResponseTooLargeException(String clientName, DataSize limit, Throwable cause) {
		super(clientName, "response body exceeds max-response-size of " + limit.toBytes()
				+ " bytes; raise the limit or stream the body with bodyToFlux", cause);
		this.limit = limit;
	}

	/**
	 * Limit that was exceeded.
	 * @return the limit
	 */
	public DataSize limit() {
		return this.limit;
	}

}
