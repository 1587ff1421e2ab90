package io.httpsentinel.sse.proxy;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * The body of a forwarded stream's response, as the server's writer sees it: one
 * subscriber, whose demand and cancellation are recorded for the stream's drain loop
 * (which they wake up), and to which the drain loop hands the buffers of the
 * {@link Outbox} as far as the demand goes.
 */
final class DownstreamBody extends Flux<DataBuffer> implements Subscription {

	private static final AtomicLongFieldUpdater<DownstreamBody> REQUESTED = AtomicLongFieldUpdater
		.newUpdater(DownstreamBody.class, "requested");

	@SuppressWarnings("rawtypes")
	private static final AtomicReferenceFieldUpdater<DownstreamBody, CoreSubscriber> SUBSCRIBER = AtomicReferenceFieldUpdater
		.newUpdater(DownstreamBody.class, CoreSubscriber.class, "subscriber");

	private final Runnable wakeUp;

	private volatile long requested;

	private volatile @Nullable CoreSubscriber<? super DataBuffer> subscriber;

	private volatile boolean cancelled;

	DownstreamBody(Runnable wakeUp) {
		this.wakeUp = wakeUp;
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
	 * Whether the subscriber, or the response, was cancelled.
	 * @return whether it was
	 */
	boolean isCancelled() {
		return this.cancelled;
	}

	/**
	 * The subscriber, once there is one.
	 * @return the subscriber, or {@code null}
	 */
	@Nullable CoreSubscriber<? super DataBuffer> subscriber() {
		return this.subscriber;
	}

	/**
	 * Hand the subscriber what it asked for.
	 * @param outbox where the buffers come from
	 */
	void emit(Outbox outbox) {
		CoreSubscriber<? super DataBuffer> actual = this.subscriber;
		if (actual == null) {
			return;
		}
		while (!this.cancelled) {
			long demand = this.requested;
			if (demand == 0) {
				return;
			}
			DataBuffer next = outbox.next();
			if (next == null) {
				return;
			}
			if (demand != Long.MAX_VALUE) {
				REQUESTED.decrementAndGet(this);
			}
			actual.onNext(next);
		}
	}

}
