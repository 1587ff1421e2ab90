package io.httpsentinel.sse;

import io.httpsentinel.SentinelException;

/**
 * An event stream's connection broke after its response headers (closed early or reset)
 * and the stream was not reconnected: reconnecting was off ({@code noReconnect()}) or its
 * limits were reached. The cause is the transport's own error.
 */
public class SseStreamBrokenException extends SentinelException {

	private final String lastEventId;

	public SseStreamBrokenException(String clientName, String lastEventId, Throwable cause) {
		super(clientName, "event stream broke"
				+ (lastEventId.isEmpty() ? "" : " after event id '" + LastEventIdHeader.printable(lastEventId) + "'")
				+ ": " + cause.getMessage(), cause);
		this.lastEventId = lastEventId;
	}

	/**
	 * The id of the last event received before the stream broke, the one a reconnect
	 * would send as {@code Last-Event-ID}.
	 * @return the id, {@code ""} for none
	 */
	public String lastEventId() {
		return this.lastEventId;
	}

}
