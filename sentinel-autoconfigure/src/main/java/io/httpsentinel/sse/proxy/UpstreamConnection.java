package io.httpsentinel.sse.proxy;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.resilience.BackendAffinity;
import io.httpsentinel.resilience.ReconnectedStream;

/**
 * One upstream connection of a forwarded stream: its request, and the subscriber of its
 * response, which receives the response's {@link Head} and then its chunks, asked for by
 * the stream when it has room, {@link #BATCH} at a time (one request through the
 * response's operators for several chunks). Signals are kept for the stream's drain loop,
 * which the connection wakes up and which takes them, typed, as a {@link Receiver}; it
 * holds at most {@link #BATCH} items, since no more are asked for.
 * <p>
 * The items stay untyped inside (a head or a chunk, as the response's {@code Flux}
 * delivers them): wrapping each chunk in a signal object would cost an allocation per
 * chunk for what {@link #deliverNext} tells apart with one type check. They wait in a
 * ring of {@link #BATCH} slots, one producer (the response) and one consumer (the drain
 * loop), which allocates nothing per chunk: no more items can be waiting than were asked
 * for.
 */
final class UpstreamConnection implements CoreSubscriber<Object>, Function<ClientResponse, Flux<DataBuffer>> {

	/** The end of a connection that completed. */
	private static final Object COMPLETE = new Object();

	/** Chunks asked for at a time; a power of two (the slots of the ring). */
	static final int BATCH = 4;

	@SuppressWarnings("rawtypes")
	private static final AtomicReferenceFieldUpdater<UpstreamConnection, Subscription> SUBSCRIPTION = AtomicReferenceFieldUpdater
		.newUpdater(UpstreamConnection.class, Subscription.class, "subscription");

	private final Context context;

	private final Runnable wakeUp;

	private volatile @Nullable Subscription subscription;

	// The response puts items in slot `produced % BATCH`, the stream's drain loop takes
	// them from slot `taken % BATCH`; once cancelled, whichever of the two sees it
	// discards what is left, each slot's item taken by one of them only (getAndSet).
	private final AtomicReferenceArray<Object> items = new AtomicReferenceArray<>(BATCH);

	// Owned by the response's signals (serial, as Reactive Streams has them).
	private int produced;

	// Owned by the stream.
	private int taken;

	private volatile @Nullable Object end;

	private volatile boolean cancelled;

	// Items asked for and not taken yet (the head at first, which comes unasked); owned
	// by the stream.
	private int pending = 1;

	// Whether the head was delivered; owned by the stream.
	private boolean headSeen;

	private UpstreamConnection(Context context, Runnable wakeUp) {
		this.context = context;
		this.wakeUp = wakeUp;
	}

	/**
	 * Send a request and subscribe to its response; its head comes unasked.
	 * @param webClient the client's web client
	 * @param request builds the request
	 * @param lastEventId the value of the {@code Last-Event-ID} header to send, as
	 * {@link io.httpsentinel.sse.LastEventIdHeader#encode} makes it, or {@code null} for
	 * none
	 * @param first whether this is the stream's first connection (a {@code Last-Event-ID}
	 * the request sets itself is then kept when there is none to send)
	 * @param backend the stream's backend affinity (a resume goes to another backend), or
	 * {@code null} when the client has one
	 * @param resumed whether the stream resumes when this connection breaks off (then the
	 * circuit breaker counts the resume, not the break: {@link ReconnectedStream})
	 * @param context the context of the downstream subscriber, for tracing and logging
	 * @param wakeUp called on every signal
	 * @return the connection
	 */
	static UpstreamConnection open(WebClient webClient, Function<WebClient, WebClient.RequestHeadersSpec<?>> request,
			@Nullable String lastEventId, boolean first, @Nullable BackendAffinity backend, boolean resumed,
			Context context, Runnable wakeUp) {
		// The event-stream headers go with the subscriber's context, not on the request:
		// see EventStreamRequest.
		Context withHeaders = EventStreamRequest.Headers.of(lastEventId, first).in(context);
		UpstreamConnection connection = new UpstreamConnection(withHeaders, wakeUp);
		Flux.defer(() -> withAttributes(request.apply(webClient), backend, resumed).exchangeToFlux(connection))
			.subscribe(connection);
		return connection;
	}

	private static WebClient.RequestHeadersSpec<?> withAttributes(WebClient.RequestHeadersSpec<?> spec,
			@Nullable BackendAffinity backend, boolean resumed) {
		if (backend != null) {
			spec.attribute(BackendAffinity.ATTRIBUTE, backend);
		}
		if (resumed) {
			spec.attribute(ReconnectedStream.ATTRIBUTE, Boolean.TRUE);
		}
		return spec;
	}

	/**
	 * The response arrived: its head goes to the stream at once, as the first item (it is
	 * not asked for), and its body is what the exchange relays next. The body is
	 * subscribed as soon as this returns, and cancelled with the exchange (which releases
	 * what it holds), so the head needs no operators of its own: none is kept for the
	 * stream's life.
	 * @param response the response
	 * @return its body, or nothing when it is not an event stream (Spring then releases
	 * it, which returns the connection to the pool)
	 */
	@Override
	public Flux<DataBuffer> apply(ClientResponse response) {
		Head head = new Head(response.statusCode().value(), response.headers().asHttpHeaders());
		onNext(head);
		return head.isEventStream() ? response.bodyToFlux(DataBuffer.class) : Flux.empty();
	}

	/**
	 * Hand the receiver the next signal that arrived, if any: the head, a chunk, or (once
	 * every item was taken) the end.
	 * @param receiver the stream
	 * @return whether more may be waiting (not after the end, or when nothing arrived)
	 */
	boolean deliverNext(Receiver receiver) {
		// The end is read before the items: an item that arrived before it is taken
		// first.
		Object ended = this.end;
		int slot = this.taken & (BATCH - 1);
		Object item = this.items.get(slot);
		if (item != null) {
			// A plain release store: a discard after a cancel reads the cancel flag
			// written after it.
			this.items.lazySet(slot, null);
			this.taken++;
			this.pending--;
			if (item instanceof Head head) {
				this.headSeen = true;
				receiver.head(head);
			}
			else {
				receiver.chunk((DataBuffer) item);
			}
			return true;
		}
		if (ended != null) {
			receiver.end((ended != COMPLETE) ? (Throwable) ended : null);
		}
		return false;
	}

	/**
	 * Whether the head was delivered.
	 * @return whether it was
	 */
	boolean headSeen() {
		return this.headSeen;
	}

	/**
	 * Whether items were asked for that were not taken yet.
	 * @return whether more are coming (or waiting to be taken)
	 */
	boolean outstanding() {
		return this.pending > 0;
	}

	/**
	 * Ask for the next chunk.
	 */
	void requestNext() {
		this.pending += BATCH;
		Subscription current = this.subscription;
		if (current != null) {
			current.request(BATCH);
		}
	}

	/**
	 * Cancel the exchange, which closes a connection whose body is still coming.
	 */
	void cancel() {
		this.cancelled = true;
		Operators.terminate(SUBSCRIPTION, this);
		discardItems();
	}

	@Override
	public Context currentContext() {
		return this.context;
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		// Nothing is asked for yet: the head comes unasked (see apply).
		Operators.setOnce(SUBSCRIPTION, this, subscription);
	}

	@Override
	public void onNext(Object next) {
		if (this.cancelled) {
			discard(next);
			return;
		}
		int slot = this.produced & (BATCH - 1);
		if (this.items.get(slot) != null) {
			// More than was asked for: Reactive Streams rules it out.
			discard(next);
			Operators.terminate(SUBSCRIPTION, this);
			onError(new IllegalStateException("The upstream body sent more chunks than requested"));
			return;
		}
		this.produced++;
		// A volatile write, read before the cancel flag (which a cancel writes before
		// discarding).
		this.items.set(slot, next);
		if (this.cancelled) {
			discardItems();
			return;
		}
		this.wakeUp.run();
	}

	@Override
	public void onError(Throwable error) {
		this.end = error;
		this.wakeUp.run();
	}

	@Override
	public void onComplete() {
		this.end = COMPLETE;
		this.wakeUp.run();
	}

	private void discardItems() {
		for (int slot = 0; slot < BATCH; slot++) {
			discard(this.items.getAndSet(slot, null));
		}
	}

	private static void discard(@Nullable Object item) {
		if (item instanceof DataBuffer buffer) {
			DataBufferUtils.release(buffer);
		}
	}

	/**
	 * What a connection hands its stream, in order: the head, then the chunks, then the
	 * end; called on the stream's drain loop.
	 */
	interface Receiver {

		/**
		 * The response's status and headers.
		 * @param head the head
		 */
		void head(Head head);

		/**
		 * Bytes of the response's body.
		 * @param chunk the bytes, owned by the receiver
		 */
		void chunk(DataBuffer chunk);

		/**
		 * The connection ended, after every item was delivered.
		 * @param error its error, or {@code null} if it completed
		 */
		void end(@Nullable Throwable error);

	}

	/**
	 * Status and headers of an upstream response.
	 *
	 * @param status the status
	 * @param headers the headers
	 */
	record Head(int status, HttpHeaders headers) {

		/**
		 * Whether the response is an event stream to forward: a 2xx other than 204 with
		 * {@code Content-Type: text/event-stream}.
		 * @return whether it is an event stream
		 */
		boolean isEventStream() {
			if (this.status < 200 || this.status > 299 || this.status == 204) {
				return false;
			}
			String type = this.headers.getFirst(HttpHeaders.CONTENT_TYPE);
			try {
				return type != null && MediaType.TEXT_EVENT_STREAM.equalsTypeAndSubtype(MediaType.parseMediaType(type));
			}
			catch (IllegalArgumentException ex) {
				return false;
			}
		}

	}

}
