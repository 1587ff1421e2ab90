package io.httpsentinel.sse.proxy;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;

import io.httpsentinel.resilience.BackendAffinity;
import io.httpsentinel.sse.LastEventIdHeader;

/**
 * The upstream side of a forwarded stream: its current {@link UpstreamConnection} (a new
 * one for each resume), which it opens, reads from when the stream asks for more, lets go
 * of when it ended, and cancels when the stream ends. Owned by the stream's drain loop.
 */
final class Upstream {

	private static final Log logger = LogFactory.getLog(SseProxy.class);

	private final StreamOptions options;

	private final Context context;

	private final Runnable wakeUp;

	private @Nullable UpstreamConnection connection;

	/**
	 * The backend the connections went to last, when the client has several; {@code null}
	 * when it has one base URL (and before the first connection).
	 */
	private @Nullable BackendAffinity backend;

	private boolean connectedBefore;

	/** Whether an id that cannot be sent was logged (once per stream). */
	private boolean warnedUnsendableId;

	/**
	 * The upstream of a stream, not connected yet.
	 * @param options the stream's options: its web client and request
	 * @param context the context of the downstream subscriber, for tracing and logging
	 * @param wakeUp runs the stream's drain loop
	 */
	Upstream(StreamOptions options, Context context, Runnable wakeUp) {
		this.options = options;
		this.context = context;
		this.wakeUp = wakeUp;
	}

	/**
	 * Send the request, on a new connection, with the {@code Last-Event-ID} as browsers
	 * send it ({@link LastEventIdHeader}). An id HTTP cannot carry is not sent (a warning
	 * says so, once): the upstream may then start again from its beginning, and a resume
	 * skips the events already forwarded.
	 * @param lastEventId the {@code Last-Event-ID} to send, {@code ""} for none
	 */
	void connect(String lastEventId) {
		boolean first = !this.connectedBefore;
		this.connectedBefore = true;
		if (first && this.options.client().backends().isPresent()) {
			// Read only by a client with several backends: for the others, neither the
			// object nor the request attribute that carries it.
			this.backend = new BackendAffinity();
		}
		this.connection = UpstreamConnection.open(this.options.webClient(), this.options.request(), header(lastEventId),
				first, this.backend, this.options.resume(), this.context, this.wakeUp);
	}

	private @Nullable String header(String lastEventId) {
		if (lastEventId.isEmpty()) {
			return null;
		}
		String header = LastEventIdHeader.encode(lastEventId);
		if (header == null && !this.warnedUnsendableId) {
			this.warnedUnsendableId = true;
			logger.warn("SSE stream of client '" + this.options.client().name() + "' connects upstream without "
					+ "Last-Event-ID: event id '" + LastEventIdHeader.printable(lastEventId)
					+ "' cannot be sent in a header (" + LastEventIdHeader.whyNotSent(lastEventId)
					+ "); the upstream may send events again (a resume skips those already forwarded)");
		}
		return header;
	}

	/**
	 * Whether a connection is open (not ended, let go of, or cancelled).
	 * @return whether it is
	 */
	boolean isConnected() {
		return this.connection != null;
	}

	/**
	 * Hand the receiver everything that arrived (several wake-ups may lead to one pass),
	 * until it lets go of the connection.
	 * @param receiver the stream
	 */
	void deliverTo(UpstreamConnection.Receiver receiver) {
		UpstreamConnection current = this.connection;
		while (current != null && this.connection == current && current.deliverNext(receiver)) {
		}
	}

	/**
	 * Whether the stream may ask for more: the head arrived and every chunk asked for was
	 * taken.
	 * @return whether it may
	 */
	boolean awaitsRequest() {
		UpstreamConnection current = this.connection;
		return current != null && current.headSeen() && !current.outstanding();
	}

	/**
	 * Ask for the next chunks, after {@link #awaitsRequest()}.
	 */
	void requestNext() {
		UpstreamConnection current = this.connection;
		if (current != null) {
			current.requestNext();
		}
	}

	/**
	 * Let go of the connection without cancelling it: it ended, or it ends by itself (a
	 * response Spring releases, which returns the connection to the pool).
	 */
	void detach() {
		this.connection = null;
	}

	/**
	 * Cancel the exchange, which closes a connection whose body is still coming.
	 */
	void cancel() {
		UpstreamConnection current = this.connection;
		this.connection = null;
		if (current != null) {
			current.cancel();
		}
	}

}
