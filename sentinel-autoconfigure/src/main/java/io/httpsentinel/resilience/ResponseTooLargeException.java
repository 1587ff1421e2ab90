package io.httpsentinel.resilience;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.SentinelException;

/**
 * Thrown when a response body to be buffered in memory is larger than the client's
 * {@code max-response-size}. The connection is closed rather than drained, so a huge body
 * neither fills the heap nor keeps the connection busy.
 */
public class ResponseTooLargeException extends SentinelException {

	private final DataSize limit;

	public ResponseTooLargeException(String clientName, DataSize limit, Throwable cause) {
		super(clientName, "response body exceeds max-response-size of " + limit.toBytes()
				+ " bytes; raise the limit, or read the body as a stream (WebClient: bodyToFlux)", cause);
		this.limit = limit;
	}

	/**
	 * The typed error for a body read that hit the codecs' buffer limit (their anonymous
	 * {@link DataBufferLimitException}, possibly wrapped), or the error itself otherwise.
	 * @param clientName the client name
	 * @param limit the client's {@code max-response-size}
	 * @param error the error of a body read
	 * @return the error to hand to the caller
	 */
	public static Throwable translate(String clientName, DataSize limit, Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof DataBufferLimitException) {
				return new ResponseTooLargeException(clientName, limit, error);
			}
		}
		return error;
	}

	/**
	 * Limit that was exceeded.
	 * @return the limit
	 */
	public DataSize limit() {
		return this.limit;
	}

}
