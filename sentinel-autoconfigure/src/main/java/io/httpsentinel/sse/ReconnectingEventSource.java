package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.Internal;
import io.httpsentinel.SentinelException;
import io.httpsentinel.client.pool.ReadIdleTimeoutException;
import io.httpsentinel.resilience.BackendAffinity;
import io.httpsentinel.resilience.FailureKind;
import io.httpsentinel.resilience.ReconnectedStream;

/**
 * Reads an event stream the way a browser's {@code EventSource} does, through a client's
 * {@link WebClient} (its pool, timeouts and resilience pipeline, which retries the
 * request of each connection): reconnects when the stream ends or its connection breaks,
 * sending the last event id as {@code Last-Event-ID}, after the server's {@code retry:}
 * time or the initial delay, doubling over failures in a row. A 204 response ends the
 * stream; a response other than 2xx or not of type {@code text/event-stream} fails it
 * with {@link SseResponseException}, without reconnecting, as does an event over the size
 * limits ({@link SseLimitExceededException}).
 * <p>
 * The last event id is sent as browsers send it ({@link LastEventIdHeader}): as its UTF-8
 * bytes, without the spaces and tabs around it. An id HTTP cannot carry (one with a
 * control character, or only spaces and tabs) is not sent: the reader reconnects without
 * {@code Last-Event-ID}, logging a warning once per stream, and delivers what the server
 * then sends, which may repeat events.
 */
@Internal
public final class ReconnectingEventSource {

	/** How much of a refused stream's body the error shows. */
	private static final int BODY_START_BYTES = 1024;

	/** Signal of the reconnect companion that ends the stream. */
	private static final long STOP = -1;

	private static final String LAST_EVENT_ID = "Last-Event-ID";

	private static final Log logger = LogFactory.getLog(ReconnectingEventSource.class);

	private final String clientName;

	private final WebClient webClient;

	private final SseSettings settings;

	private final Supplier<Scheduler> scheduler;

	/**
	 * Create a source.
	 * @param clientName the client name, for errors
	 * @param webClient the client's web client
	 * @param settings the client's resolved SSE settings
	 * @param scheduler where reconnect delays run and the time is read (looked up per
	 * stream, so that virtual time can replace it in tests)
	 */
	public ReconnectingEventSource(String clientName, WebClient webClient, SseSettings settings,
			Supplier<Scheduler> scheduler) {
		this.clientName = clientName;
		this.webClient = webClient;
		this.settings = settings;
		this.scheduler = scheduler;
	}

	/**
	 * Open a stream. Nothing happens until subscribed; cancelling closes the connection.
	 * @param request builds the request of each connection from the client's web client,
	 * e.g. {@code web -> web.get().uri("/events")}; called once per connection
	 * @param options per-call options
	 * @return the events
	 */
	public Flux<SseEvent> events(Function<WebClient, WebClient.RequestHeadersSpec<?>> request, SseOptions options) {
		boolean reconnect = (options.reconnect() != null) ? options.reconnect()
				: Boolean.TRUE.equals(this.settings.reconnect().enabled());
		return Flux.defer(() -> {
			Stream stream = new Stream(options, this.scheduler.get(), reconnect);
			Flux<SseEvent> connection = Flux.defer(() -> connect(request, stream));
			if (!reconnect) {
				return connection;
			}
			// Each end of a connection asks the stream for the next one: a delay (0),
			// the end of the stream (STOP) or its error.
			return connection.onErrorResume(this::reconnectable, (error) -> {
				stream.failure = error;
				return Mono.empty();
			}).repeatWhen((ends) -> ends.concatMap((end) -> stream.next()).takeWhile((next) -> next != STOP));
		});
	}

	private Flux<SseEvent> connect(Function<WebClient, WebClient.RequestHeadersSpec<?>> request, Stream stream) {
		stream.connecting();
		// The stream's connections share their backend affinity: a reconnection goes to
		// another backend when the client has several.
		WebClient.RequestHeadersSpec<?> spec = request.apply(this.webClient)
			.attribute(BackendAffinity.ATTRIBUTE, stream.backend);
		if (stream.reconnects()) {
			// The breaker counts the reconnect, not the break.
			spec.attribute(ReconnectedStream.ATTRIBUTE, Boolean.TRUE);
		}
		return spec.headers((headers) -> {
			if (!headers.containsHeader(HttpHeaders.ACCEPT)) {
				headers.setAccept(List.of(MediaType.TEXT_EVENT_STREAM));
			}
			headers.setCacheControl("no-cache");
			String lastEventId = stream.lastEventIdHeader();
			if (lastEventId == null) {
				headers.remove(LAST_EVENT_ID);
			}
			else {
				headers.set(LAST_EVENT_ID, lastEventId);
			}
		}).exchangeToFlux((response) -> read(response, stream));
	}

	private Flux<SseEvent> read(ClientResponse response, Stream stream) {
		int status = response.statusCode().value();
		if (status == 204) {
			// The server's way of saying "do not reconnect".
			stream.stopped = true;
			return Flux.empty();
		}
		String contentType = response.headers().asHttpHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
		if (status < 200 || status > 299) {
			return bodyStart(response).flatMapMany((bodyStart) -> Flux
				.error(new SseResponseException(this.clientName, status, contentType, bodyStart)));
		}
		if (!isEventStream(contentType)) {
			return Flux.error(new SseResponseException(this.clientName, status, contentType, ""));
		}
		stream.connected();
		return SseDecoder.decode(response.bodyToFlux(DataBuffer.class), stream.parser)
			.onErrorMap((error) -> brokenStream(error, stream));
	}

	/**
	 * The error a connection's body ended with, typed: a connection that broke after the
	 * headers (the transport's {@code PrematureCloseException} or {@code IOException},
	 * never handed to the caller as is) becomes an {@link SseStreamBrokenException}.
	 */
	private Throwable brokenStream(Throwable error, Stream stream) {
		if (error instanceof SentinelException || FailureKind.ofBody(error) != FailureKind.RESET_DURING_BODY) {
			return error;
		}
		return new SseStreamBrokenException(this.clientName, stream.parser.lastEventId(), error);
	}

	private static boolean isEventStream(@Nullable String contentType) {
		try {
			return contentType != null
					&& MediaType.TEXT_EVENT_STREAM.equalsTypeAndSubtype(MediaType.parseMediaType(contentType));
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static Mono<String> bodyStart(ClientResponse response) {
		return DataBufferUtils
			.join(DataBufferUtils.takeUntilByteCount(response.bodyToFlux(DataBuffer.class), BODY_START_BYTES))
			.map((buffer) -> {
				try {
					return buffer.toString(StandardCharsets.UTF_8);
				}
				finally {
					DataBufferUtils.release(buffer);
				}
			})
			.onErrorReturn("")
			.defaultIfEmpty("");
	}

	/**
	 * Whether an error is one a browser reconnects after: the connection broke, could not
	 * be made, or went silent, or the request was held back locally for a while (open
	 * breaker, rate limit, host pause). Not a refused or malformed stream, and not the
	 * call's total timeout.
	 */
	private boolean reconnectable(Throwable error) {
		if (error instanceof SseResponseException || error instanceof SseLimitExceededException) {
			return false;
		}
		return error instanceof ReadIdleTimeoutException || FailureKind.of(error) != FailureKind.OTHER;
	}

	/**
	 * State of one subscription: the parser (which keeps the last event id and the
	 * server's reconnection time across connections) and the reconnect counters.
	 */
	private final class Stream {

		final SseParser parser;

		final BackendAffinity backend = new BackendAffinity();

		private final Scheduler timer;

		/** Set by a 204 response. */
		volatile boolean stopped;

		/** Error that ended the latest connection, if any. */
		volatile @Nullable Throwable failure;

		/** Whether an id that cannot be sent was logged (once per stream). */
		private boolean warnedUnsendableId;

		/** Reconnects since the last healthy connection; none without reconnecting. */
		private final @Nullable ReconnectStreak streak;

		Stream(SseOptions options, Scheduler timer, boolean reconnect) {
			this.parser = new SseParser(ReconnectingEventSource.this.settings.limits(), options.retainRaw(),
					options.keepComments());
			this.timer = timer;
			this.streak = reconnect ? ReconnectStreak.of(ReconnectingEventSource.this.settings.reconnect(),
					() -> timer.now(TimeUnit.NANOSECONDS)) : null;
			if (!options.lastEventId().isEmpty()) {
				// The spec's own way to set the last event id: an id field and a blank
				// line, which dispatch nothing; the parser takes one space after the
				// colon.
				byte[] seed = ("id: " + options.lastEventId() + "\n\n").getBytes(StandardCharsets.UTF_8);
				this.parser.feed(seed, 0, seed.length);
				this.parser.end();
			}
		}

		boolean reconnects() {
			return this.streak != null;
		}

		void connecting() {
			this.failure = null;
		}

		/**
		 * The {@code Last-Event-ID} value to send, or {@code null} for none: there is no
		 * last event id, or HTTP cannot carry it (then a warning is logged, once).
		 */
		@Nullable String lastEventIdHeader() {
			String lastEventId = this.parser.lastEventId();
			if (lastEventId.isEmpty()) {
				return null;
			}
			String header = LastEventIdHeader.encode(lastEventId);
			if (header == null && !this.warnedUnsendableId) {
				this.warnedUnsendableId = true;
				logger.warn("SSE stream of client '" + ReconnectingEventSource.this.clientName + "' connects without "
						+ "Last-Event-ID: its last event id '" + LastEventIdHeader.printable(lastEventId)
						+ "' cannot be sent in a header (" + LastEventIdHeader.whyNotSent(lastEventId)
						+ "); the server may send events again");
			}
			return header;
		}

		void connected() {
			if (this.streak != null) {
				this.streak.connected();
			}
		}

		/**
		 * After a connection ended: the delay before the next one, or the end of the
		 * stream ({@link #STOP}, or the last error if there was one) after a 204 or once
		 * the limits are reached.
		 */
		Mono<Long> next() {
			// A partial event of the connection that ended is discarded.
			endParser();
			if (this.stopped) {
				return Mono.just(STOP);
			}
			Throwable last = this.failure;
			Duration delay = (this.streak == null) ? null : nextDelay(this.streak, last);
			if (delay == null) {
				return (last != null) ? Mono.error(last) : Mono.just(STOP);
			}
			return Mono.delay(delay, this.timer);
		}

		private @Nullable Duration nextDelay(ReconnectStreak streak, @Nullable Throwable last) {
			Duration serverRetry = this.parser.reconnectionTime();
			return (last != null) ? streak.nextDelay(serverRetry, last) : streak.nextDelay(serverRetry);
		}

		private void endParser() {
			try {
				this.parser.end();
			}
			catch (SseLimitExceededException ex) {
				// Already reported by the connection that failed.
			}
		}

	}

}
