package io.httpsentinel.sse;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.SentinelException;

/**
 * An event stream's response was not a stream: a status other than 2xx, or a
 * {@code Content-Type} other than {@code text/event-stream}. Per the SSE specification
 * such a stream fails without reconnecting.
 */
public class SseResponseException extends SentinelException {

	private final int status;

	private final @Nullable String contentType;

	private final String bodyStart;

	public SseResponseException(String clientName, int status, @Nullable String contentType, String bodyStart) {
		super(clientName, describe(status, contentType, bodyStart), null);
		this.status = status;
		this.contentType = contentType;
		this.bodyStart = bodyStart;
	}

	private static String describe(int status, @Nullable String contentType, String bodyStart) {
		String problem = (status >= 200 && status < 300) ? "response is not an event stream" : "stream refused";
		String description = problem + " (status " + status + ", Content-Type "
				+ ((contentType != null) ? contentType : "none") + ")";
		return bodyStart.isEmpty() ? description : description + ": " + bodyStart;
	}

	/**
	 * The response status.
	 * @return the status code
	 */
	public int status() {
		return this.status;
	}

	/**
	 * The response's {@code Content-Type}.
	 * @return the content type, or {@code null} if the response had none
	 */
	public @Nullable String contentType() {
		return this.contentType;
	}

	/**
	 * The start of the response body of a refused stream (an API's error document,
	 * usually), decoded as UTF-8; empty for a 2xx response of the wrong type.
	 * @return the start of the body
	 */
	public String bodyStart() {
		return this.bodyStart;
	}

}
