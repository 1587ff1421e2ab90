package io.httpsentinel.resilience;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A {@code Mono} that must end before a deadline, with its errors mapped: one subscriber
 * where {@code onErrorMap(..).timeout(..)} takes four and a serializing wrapper. The
 * first of the value, the error and the deadline wins; the others are dropped, so the
 * downstream never sees two terminal signals, whatever thread the deadline fires on.
 *
 * @param <T> the value type
 */
final class MonoDeadline<T> extends MonoOperator<T, T> {

	private final DeadlineTimer timer;

	private final Bounds bounds;

	/**
	 * Bound a source.
	 * @param source the source
	 * @param timer schedules the deadline
	 * @param bounds the deadline and the errors
	 */
	MonoDeadline(Mono<T> source, DeadlineTimer timer, Bounds bounds) {
		super(source);
		this.timer = timer;
		this.bounds = bounds;
	}

	/**
	 * The deadline of a source and its errors: one object the caller already has, rather
	 * than three functions made for every source.
	 */
	interface Bounds {

		/**
		 * Time left until the deadline, read when subscribed (a body may be subscribed to
		 * well after it was asked for).
		 * @return nanoseconds, negative once it passed
		 */
		long timeLeftNanos();

		/**
		 * The error when the deadline passes.
		 * @return the error
		 */
		Throwable timeout();

		/**
		 * Map an error of the source.
		 * @param error the source's error
		 * @return the error passed on
		 */
		Throwable error(Throwable error);

	}

	@Override
	public void subscribe(CoreSubscriber<? super T> actual) {
		this.source.subscribe(new DeadlineSubscriber<>(actual, this));
	}

	static final class DeadlineSubscriber<T> implements CoreSubscriber<T>, Subscription, Runnable {

		@SuppressWarnings("rawtypes")
		private static final AtomicIntegerFieldUpdater<DeadlineSubscriber> DONE = AtomicIntegerFieldUpdater
			.newUpdater(DeadlineSubscriber.class, "done");

		private final CoreSubscriber<? super T> actual;

		private final MonoDeadline<T> parent;

		private @Nullable Subscription upstream;

		private volatile @Nullable Disposable deadline;

		private volatile int done;

		DeadlineSubscriber(CoreSubscriber<? super T> actual, MonoDeadline<T> parent) {
			this.actual = actual;
			this.parent = parent;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.upstream = subscription;
			this.actual.onSubscribe(this);
			Disposable scheduled = this.parent.timer.schedule(this, Math.max(0, this.parent.bounds.timeLeftNanos()));
			this.deadline = scheduled;
			if (this.done != 0) {
				// Ended while the deadline was being scheduled.
				scheduled.dispose();
			}
		}

		@Override
		public void onNext(T value) {
			if (!DONE.compareAndSet(this, 0, 1)) {
				Operators.onNextDropped(value, this.actual.currentContext());
				return;
			}
			stopDeadline();
			this.actual.onNext(value);
			this.actual.onComplete();
		}

		@Override
		public void onError(Throwable error) {
			if (!DONE.compareAndSet(this, 0, 1)) {
				Operators.onErrorDropped(error, this.actual.currentContext());
				return;
			}
			stopDeadline();
			this.actual.onError(this.parent.bounds.error(error));
		}

		@Override
		public void onComplete() {
			if (DONE.compareAndSet(this, 0, 1)) {
				stopDeadline();
				this.actual.onComplete();
			}
		}

		/** The deadline passed. */
		@Override
		public void run() {
			if (DONE.compareAndSet(this, 0, 1)) {
				Subscription subscription = this.upstream;
				if (subscription != null) {
					subscription.cancel();
				}
				this.actual.onError(this.parent.bounds.timeout());
			}
		}

		@Override
		public void request(long n) {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.request(n);
			}
		}

		@Override
		public void cancel() {
			if (DONE.compareAndSet(this, 0, 1)) {
				stopDeadline();
			}
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
		}

		private void stopDeadline() {
			Disposable scheduled = this.deadline;
			if (scheduled != null) {
				scheduled.dispose();
			}
		}

	}

}
