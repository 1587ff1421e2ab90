package io.httpsentinel.resilience;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Waits for the outcome of a source {@code Mono} (its value, its error, or its completing
 * empty) and continues with the {@code Mono} a function makes of it, whose signals pass
 * straight through. Only the source's outcome is handed to the function, never one of the
 * continuation's, which may be a later attempt with a decision of its own.
 * <p>
 * One operator where {@code map(Outcome::new).onErrorResume(..).flatMap(..)} takes three
 * and two objects per call: the retry pipeline runs this once per attempt of every call.
 * It also stands in for a {@code doFinally} around the whole: an optional action runs
 * once when the continuation's terminal signal has passed downstream, or on cancellation.
 * A continuation that is a constant (a {@code Mono.just}) is emitted without subscribing
 * to it.
 *
 * @param <T> the value type
 */
final class MonoAfterOutcome<T> extends MonoOperator<T, T> {

	private final BiFunction<@Nullable T, @Nullable Throwable, Mono<T>> next;

	private final @Nullable Runnable ended;

	/**
	 * Continue after a source.
	 * @param source the source
	 * @param next makes the continuation from the source's value, or its error (both
	 * {@code null} when it completed empty)
	 */
	MonoAfterOutcome(Mono<T> source, BiFunction<@Nullable T, @Nullable Throwable, Mono<T>> next) {
		this(source, next, null);
	}

	/**
	 * Continue after a source, and run an action once it all ended.
	 * @param source the source
	 * @param next makes the continuation from the source's value, or its error (both
	 * {@code null} when it completed empty)
	 * @param ended runs once, after the terminal signal passed downstream or on
	 * cancellation (as {@code doFinally} would)
	 */
	MonoAfterOutcome(Mono<T> source, BiFunction<@Nullable T, @Nullable Throwable, Mono<T>> next,
			@Nullable Runnable ended) {
		super(source);
		this.next = next;
		this.ended = ended;
	}

	@Override
	public void subscribe(CoreSubscriber<? super T> actual) {
		subscribe(this.source, actual, this.next, this.ended);
	}

	/**
	 * Subscribe to a source without assembling the operator first.
	 * @param <T> the value type
	 * @param source the source
	 * @param actual the subscriber
	 * @param next makes the continuation
	 * @param ended runs once it all ended, or {@code null}
	 */
	static <T> void subscribe(Mono<? extends T> source, CoreSubscriber<? super T> actual,
			BiFunction<@Nullable T, @Nullable Throwable, Mono<T>> next, @Nullable Runnable ended) {
		source.subscribe(new AfterOutcomeSubscriber<>(actual, next, ended));
	}

	/**
	 * Subscribes to the source, then to the continuation. Both are {@code Mono}s, so the
	 * downstream's first request is passed on as an unbounded one to whichever is
	 * current.
	 */
	static final class AfterOutcomeSubscriber<T> implements CoreSubscriber<T>, Subscription {

		@SuppressWarnings("rawtypes")
		private static final AtomicIntegerFieldUpdater<AfterOutcomeSubscriber> ENDED = AtomicIntegerFieldUpdater
			.newUpdater(AfterOutcomeSubscriber.class, "endedOnce");

		private final CoreSubscriber<? super T> actual;

		private final BiFunction<@Nullable T, @Nullable Throwable, Mono<T>> next;

		private final @Nullable Runnable ended;

		private volatile int endedOnce;

		private volatile @Nullable Subscription current;

		private volatile boolean requested;

		private volatile boolean cancelled;

		/** Whether the continuation is subscribed: from then on signals pass through. */
		private boolean continued;

		private @Nullable T value;

		AfterOutcomeSubscriber(CoreSubscriber<? super T> actual,
				BiFunction<@Nullable T, @Nullable Throwable, Mono<T>> next, @Nullable Runnable ended) {
			this.actual = actual;
			this.next = next;
			this.ended = ended;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.current = subscription;
			if (!this.continued) {
				this.actual.onSubscribe(this);
				return;
			}
			// Volatile writes and reads on both sides: either this sees the request or
			// request() sees this subscription (requesting twice is harmless).
			if (this.cancelled) {
				subscription.cancel();
			}
			else if (this.requested) {
				subscription.request(Long.MAX_VALUE);
			}
		}

		@Override
		public void onNext(T value) {
			if (this.continued) {
				this.actual.onNext(value);
			}
			else {
				this.value = value;
			}
		}

		@Override
		public void onError(Throwable error) {
			if (this.continued) {
				this.actual.onError(error);
				end();
				return;
			}
			T discarded = this.value;
			this.value = null;
			if (discarded != null) {
				Operators.onDiscard(discarded, this.actual.currentContext());
			}
			continueWith(null, error);
		}

		@Override
		public void onComplete() {
			if (this.continued) {
				this.actual.onComplete();
				end();
				return;
			}
			T outcome = this.value;
			this.value = null;
			continueWith(outcome, null);
		}

		private void continueWith(@Nullable T outcome, @Nullable Throwable error) {
			this.continued = true;
			if (this.cancelled) {
				if (outcome != null) {
					Operators.onDiscard(outcome, this.actual.currentContext());
				}
				return;
			}
			Mono<T> continuation;
			try {
				continuation = this.next.apply(outcome, error);
			}
			catch (Throwable ex) {
				this.actual.onError(Operators.onOperatorError(ex, this.actual.currentContext()));
				end();
				return;
			}
			if (this.requested && continuation instanceof Fuseable.ScalarCallable<?> constant) {
				emit(constant);
				return;
			}
			continuation.subscribe(this);
		}

		/**
		 * A constant continuation (a value, empty, or an error), emitted as subscribing
		 * to it would, once the downstream has requested.
		 */
		@SuppressWarnings("unchecked")
		private void emit(Fuseable.ScalarCallable<?> constant) {
			T value;
			try {
				value = (T) constant.call();
			}
			catch (Throwable ex) {
				// Mono.error's way of being a constant: its error, as it would signal it.
				this.actual.onError(Exceptions.unwrap(ex));
				end();
				return;
			}
			if (value != null) {
				if (this.cancelled) {
					// Cancelled from another thread while the outcome was decided on (the
					// caller's connection closed as the response arrived on the
					// upstream's): the caller would read a body the cancel released, an
					// error Reactor could only drop and log.
					Operators.onDiscard(value, this.actual.currentContext());
					end();
					return;
				}
				this.actual.onNext(value);
			}
			this.actual.onComplete();
			end();
		}

		private void end() {
			Runnable action = this.ended;
			if (action != null && ENDED.compareAndSet(this, 0, 1)) {
				action.run();
			}
		}

		@Override
		public void request(long n) {
			if (n <= 0 || this.requested) {
				return;
			}
			this.requested = true;
			Subscription subscription = this.current;
			if (subscription != null) {
				subscription.request(Long.MAX_VALUE);
			}
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			Subscription subscription = this.current;
			if (subscription != null) {
				subscription.cancel();
			}
			end();
		}

	}

}
