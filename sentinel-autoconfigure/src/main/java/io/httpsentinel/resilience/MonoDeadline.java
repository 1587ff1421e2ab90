package io.httpsentinel.resilience;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A {@code Mono} that must end before a deadline, with its errors mapped and optionally
 * resumed: one subscriber where {@code onErrorMap(..).timeout(..).onErrorResume(..)}
 * takes five and a serializing wrapper. The first of the value, the error and the
 * deadline wins; the others are dropped, so the downstream never sees two terminal
 * signals, whatever thread the deadline fires on. An error (mapped, or the deadline's)
 * goes to the downstream, or to the resume function, whose {@code Mono} then stands in
 * for the source: it is not bounded by the deadline.
 *
 * @param <T> the value type
 */
final class MonoDeadline<T> extends MonoOperator<T, T> {

	private final DeadlineTimer timer;

	private final Bounds bounds;

	private final @Nullable Function<Throwable, Mono<T>> resume;

	/**
	 * Bound a source.
	 * @param source the source
	 * @param timer schedules the deadline
	 * @param bounds the deadline and the errors
	 */
	MonoDeadline(Mono<T> source, DeadlineTimer timer, Bounds bounds) {
		this(source, timer, bounds, null);
	}

	/**
	 * Bound a source, and continue after its error as {@code onErrorResume} would.
	 * @param source the source
	 * @param timer schedules the deadline
	 * @param bounds the deadline and the errors
	 * @param resume makes what stands in for the source from its error (mapped) or the
	 * deadline's, or {@code null} to pass the error on
	 */
	MonoDeadline(Mono<T> source, DeadlineTimer timer, Bounds bounds, @Nullable Function<Throwable, Mono<T>> resume) {
		super(source);
		this.timer = timer;
		this.bounds = bounds;
		this.resume = resume;
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

		/** Whether the downstream requested; read when a resumed source subscribes. */
		private volatile boolean requested;

		private volatile boolean cancelled;

		/** The subscription to what stands in for the source after its error. */
		private volatile @Nullable Subscription resumed;

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
			fail(this.parent.bounds.error(error));
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
				fail(this.parent.bounds.timeout());
			}
		}

		/** Pass an error on, or resume with what the function makes of it. */
		private void fail(Throwable error) {
			Function<Throwable, Mono<T>> resume = this.parent.resume;
			if (resume == null) {
				this.actual.onError(error);
				return;
			}
			Mono<T> next;
			try {
				next = Objects.requireNonNull(resume.apply(error), "The resume function returned null");
			}
			catch (Throwable ex) {
				this.actual.onError(Operators.onOperatorError(null, ex, error, this.actual.currentContext()));
				return;
			}
			next.subscribe(new Resumed<>(this));
		}

		@Override
		public void request(long n) {
			if (n > 0) {
				this.requested = true;
			}
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.request(n);
			}
			Subscription resumedSubscription = this.resumed;
			if (resumedSubscription != null) {
				resumedSubscription.request(n);
			}
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			if (DONE.compareAndSet(this, 0, 1)) {
				stopDeadline();
			}
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
			Subscription resumedSubscription = this.resumed;
			if (resumedSubscription != null) {
				resumedSubscription.cancel();
			}
		}

		private void stopDeadline() {
			Disposable scheduled = this.deadline;
			if (scheduled != null) {
				scheduled.dispose();
			}
		}

	}

	/**
	 * Passes the signals of what stands in for the source after its error straight to the
	 * downstream. Volatile writes and reads on both sides: either this sees the
	 * downstream's request (or cancellation) or the downstream's call sees this
	 * subscription; requesting a {@code Mono} twice is harmless.
	 */
	static final class Resumed<T> implements CoreSubscriber<T> {

		private final DeadlineSubscriber<T> parent;

		Resumed(DeadlineSubscriber<T> parent) {
			this.parent = parent;
		}

		@Override
		public Context currentContext() {
			return this.parent.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.parent.resumed = subscription;
			if (this.parent.cancelled) {
				subscription.cancel();
			}
			else if (this.parent.requested) {
				subscription.request(Long.MAX_VALUE);
			}
		}

		@Override
		public void onNext(T value) {
			this.parent.actual.onNext(value);
		}

		@Override
		public void onError(Throwable error) {
			this.parent.actual.onError(error);
		}

		@Override
		public void onComplete() {
			this.parent.actual.onComplete();
		}

	}

}
