package io.httpsentinel.sse.proxy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.LongSupplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * The body of a forwarded stream's downstream response: the server's writer subscribes to
 * it (one subscriber, whose demand and cancellation wake the stream's drain loop up); the
 * {@link Outbox} holds the bytes on their way to it; it ends completed, failed, or with
 * the connection closed under a slow client. Bytes queued are counted in the
 * {@link StreamReport}; bytes handed over restart the heartbeat's silence. Owned by the
 * drain loop, except for the subscriber's signals.
 */
final class ResponseBody extends Flux<DataBuffer> implements Subscription {

	/** Sent when the body starts, so that the response is committed at once. */
	private static final byte[] OPEN = { ':', '\n', '\n' };

	/** Sent after silence. */
	static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final AtomicLongFieldUpdater<ResponseBody> REQUESTED = AtomicLongFieldUpdater
		.newUpdater(ResponseBody.class, "requested");

	@SuppressWarnings("rawtypes")
	private static final AtomicReferenceFieldUpdater<ResponseBody, CoreSubscriber> SUBSCRIBER = AtomicReferenceFieldUpdater
		.newUpdater(ResponseBody.class, CoreSubscriber.class, "subscriber");

	private final Runnable wakeUp;

	private final Outbox outbox;

	private final StreamReport report;

	private final StreamDeadlines deadlines;

	private final LongSupplier nanoTime;

	private volatile long requested;

	private volatile @Nullable CoreSubscriber<? super DataBuffer> subscriber;

	private volatile boolean cancelled;

	private volatile @Nullable Runnable abort;

	private boolean started;

	/**
	 * The downstream of a stream.
	 * @param wakeUp runs the stream's drain loop
	 * @param report told the bytes queued
	 * @param deadlines told when bytes are queued
	 * @param nanoTime the stream's time source, in nanoseconds
	 */
	ResponseBody(Runnable wakeUp, StreamReport report, StreamDeadlines deadlines, LongSupplier nanoTime) {
		this.wakeUp = wakeUp;
		this.outbox = new Outbox(wakeUp);
		this.report = report;
		this.deadlines = deadlines;
		this.nanoTime = nanoTime;
	}

	@Override
	public void subscribe(CoreSubscriber<? super DataBuffer> actual) {
		if (!SUBSCRIBER.compareAndSet(this, null, actual)) {
			Operators.error(actual, new IllegalStateException("A forwarded SSE stream allows one subscriber only"));
			return;
		}
		actual.onSubscribe(this);
		this.wakeUp.run();
	}

	@Override
	public void request(long n) {
		if (Operators.validate(n)) {
			Operators.addCap(REQUESTED, this, n);
			this.wakeUp.run();
		}
	}

	@Override
	public void cancel() {
		this.cancelled = true;
		this.wakeUp.run();
	}

	/**
	 * Attach the body to its response: the response's cancel cancels the body, and the
	 * response's context says how to close the downstream connection when a slow client
	 * must be dropped.
	 * @param response the response
	 */
	void attachTo(MonoSink<?> response) {
		this.abort = DownstreamRequest.abort(response.contextView());
		response.onCancel(this::cancel);
		DownstreamRequest.beforeCommit(response.contextView(), this::cancelIfAnsweredOtherwise);
	}

	/**
	 * WebFlux commits the response with the body's first element, so a response committed
	 * before the body was subscribed is another answer: a 406 when the request's
	 * {@code Accept} rules the stream out, an error handler's. The body will never be
	 * subscribed: end the stream now rather than after the subscribe timeout.
	 */
	private void cancelIfAnsweredOtherwise() {
		if (this.subscriber == null) {
			cancel();
		}
	}

	/**
	 * Whether the subscriber, or the response, was cancelled.
	 * @return whether it was
	 */
	boolean isCancelled() {
		return this.cancelled;
	}

	/**
	 * Whether the body was subscribed and has started.
	 * @return whether it started
	 */
	boolean isStarted() {
		return this.started;
	}

	/**
	 * A new empty buffer for events to queue, tracked by the outbox.
	 * @param alloc the allocator of the bytes it will hold
	 * @return the buffer
	 */
	CompositeByteBuf newBuffer(ByteBufAllocator alloc) {
		return this.outbox.newBuffer(alloc);
	}

	/**
	 * Queue bytes.
	 * @param bytes the bytes, not modified afterwards
	 */
	void add(byte[] bytes) {
		this.outbox.add(bytes);
		queued(bytes.length);
	}

	/**
	 * Queue bytes.
	 * @param bytes the bytes: one buffer, or several gathered in one from
	 * {@link #newBuffer}; owned from now on
	 */
	void add(ByteBuf bytes) {
		int size = bytes.readableBytes();
		this.outbox.add(bytes);
		queued(size);
	}

	private void queued(int size) {
		this.report.bytesForwarded(size);
	}

	/**
	 * Whether nothing is queued.
	 * @return whether the outbox is empty
	 */
	boolean isEmpty() {
		return this.outbox.isEmpty();
	}

	/**
	 * Bytes held for the client: queued, or handed over and not yet written.
	 * @return the byte count
	 */
	long held() {
		return this.outbox.held();
	}

	/**
	 * Whether the client has room for more, under the stream's buffer size. When it has
	 * not, the next buffer it writes wakes the stream up; when it has again, the
	 * slow-client timeout stops.
	 * @param bufferSize the most bytes to hold
	 * @return whether to read more of the upstream
	 */
	boolean hasRoom(long bufferSize) {
		if (this.outbox.held() < bufferSize) {
			if (this.deadlines.caughtUp()) {
				this.outbox.awaitRoom(false);
			}
			return true;
		}
		// Set before the stream looks again: no release goes unnoticed.
		this.outbox.awaitRoom(true);
		return false;
	}

	/**
	 * Hand the subscriber what it asked for; the first time, open the body.
	 */
	void emit() {
		CoreSubscriber<? super DataBuffer> actual = this.subscriber;
		if (actual == null) {
			return;
		}
		if (!this.started) {
			this.started = true;
			if (this.outbox.isEmpty()) {
				// WebFlux commits the response with the first body element: without one,
				// a quiet upstream would keep the client waiting for the headers.
				add(OPEN);
			}
		}
		// The demand is read once and taken back once for what was handed over, rather
		// than with an atomic update per buffer.
		long demand = this.requested;
		long emitted = 0;
		while (!this.cancelled) {
			if (emitted == demand) {
				demand = this.requested;
				if (emitted == demand) {
					break;
				}
			}
			DataBuffer next = this.outbox.next();
			if (next == null) {
				break;
			}
			emitted++;
			actual.onNext(next);
		}
		if (emitted > 0) {
			// The silence before a heartbeat restarts once per pass, not per buffer (what
			// is queued and not handed over yet keeps the heartbeat away too).
			this.deadlines.wrote(this.nanoTime.getAsLong());
			if (demand != Long.MAX_VALUE) {
				REQUESTED.addAndGet(this, -emitted);
			}
		}
	}

	/**
	 * Whether everything queued was handed to a started body.
	 * @return whether the body can complete
	 */
	boolean isWritten() {
		return this.started && this.outbox.isEmpty() && this.subscriber != null;
	}

	/**
	 * Release what is queued: the stream is over.
	 */
	void clear() {
		this.outbox.clear();
	}

	/**
	 * Complete the body, after {@link #isWritten()}.
	 */
	void complete() {
		CoreSubscriber<? super DataBuffer> actual = this.subscriber;
		if (actual != null) {
			actual.onComplete();
		}
	}

	/**
	 * Fail the body, if it was subscribed.
	 * @param error the error
	 */
	void fail(Throwable error) {
		CoreSubscriber<? super DataBuffer> actual = this.subscriber;
		if (actual != null) {
			actual.onError(error);
		}
	}

	/**
	 * Disconnect a client too slow to read.
	 * @param client the client name
	 */
	void drop(String client) {
		Runnable abort = this.abort;
		if (abort != null) {
			// Closing the connection is the only way out when writes are stuck: the
			// writer would deliver an error only after its pending writes.
			abort.run();
		}
		else {
			fail(new SlowClientException(client));
		}
	}

}
