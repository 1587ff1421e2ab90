package io.httpsentinel.sse;

import org.jspecify.annotations.Nullable;

/**
 * Per-call options of an event stream read with
 * {@link io.httpsentinel.client.SentinelClient#sse}. Immutable; start from
 * {@link #DEFAULTS}.
 *
 * @param reconnect whether to reconnect, or {@code null} for the client's
 * {@code sse.reconnect.enabled}
 * @param lastEventId the {@code Last-Event-ID} to send on the first connection (for
 * example the one a downstream client sent), or {@code ""} for none; sent as its UTF-8
 * bytes without the spaces and tabs around it, and not at all if it holds a control
 * character (a warning says so), see {@link LastEventIdHeader}
 * @param keepComments whether events carry their block's comment lines
 * ({@link SseEvent#comments()})
 * @param retainRaw whether events carry their bytes as received ({@link SseEvent#raw()})
 */
public record SseOptions(@Nullable Boolean reconnect, String lastEventId, boolean keepComments, boolean retainRaw) {

	/**
	 * The client's settings, no initial {@code Last-Event-ID}, no comments, no raw bytes.
	 */
	public static final SseOptions DEFAULTS = new SseOptions(null, "", false, false);

	public SseOptions {
		SseWriter.checkField("Last-Event-ID", lastEventId);
	}

	/**
	 * Never reconnect: the stream ends when its connection does. Right for a POST-based
	 * LLM stream, which cannot be resumed.
	 * @return the options
	 */
	public SseOptions noReconnect() {
		return new SseOptions(false, this.lastEventId, this.keepComments, this.retainRaw);
	}

	/**
	 * Reconnect or not, whatever the client's setting.
	 * @param reconnect whether to reconnect
	 * @return the options
	 */
	public SseOptions withReconnect(boolean reconnect) {
		return new SseOptions(reconnect, this.lastEventId, this.keepComments, this.retainRaw);
	}

	/**
	 * Resume from an event id: the first connection sends it as {@code Last-Event-ID}, as
	 * its UTF-8 bytes without the spaces and tabs around it; an id with another control
	 * character is not sent (HTTP cannot carry it; a warning says so).
	 * @param lastEventId the id (no CR, LF or NUL: an {@code id} field cannot hold them)
	 * @return the options
	 */
	public SseOptions withLastEventId(String lastEventId) {
		return new SseOptions(this.reconnect, lastEventId, this.keepComments, this.retainRaw);
	}

	/**
	 * Keep comment lines on the events.
	 * @return the options
	 */
	public SseOptions withComments() {
		return new SseOptions(this.reconnect, this.lastEventId, true, this.retainRaw);
	}

	/**
	 * Keep each event's bytes as received, for forwarding them unchanged.
	 * @return the options
	 */
	public SseOptions withRaw() {
		return new SseOptions(this.reconnect, this.lastEventId, this.keepComments, true);
	}

}
