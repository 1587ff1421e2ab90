package io.httpsentinel.resilience;

import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
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
 *
 * @param <T> the value type
 */
final class MonoAfterOutcome<T> extends MonoOperator<T, T> {

	private final BiFunction<@Nullable T, @Nullable Throwable, Mono<T>> next;

	/**
	 * Continue after a source.
	 * @param source the source
	 * @param next makes the continuation from the source's value, or its error (both
	 * {@code null} when it completed empty)
	 */
	MonoAfterOutcome(Mono<T> source, BiFunction<@Nullable T, @Nullable Throwable, Mono<T>> next) {
		super(source);
		this.next = next;
	}

	@Override
	public void subscribe(CoreSubscriber<? super T> actual) {
		this.source.subscribe(new AfterOutcomeSubscriber<>(actual, this.next));
	}

	/**
	 * Subscribes to the source, then to the continuation. Both are {@code Mono}s, so the
	 * downstream's first request is passed on as an unbounded one to whichever is
	 * current.
	 */
	static final class AfterOutcomeSubscriber<T> implements CoreSubscriber<T>, Subscription {

		private final CoreSubscriber<? super T> actual;

		private final BiFunction<@Nullable T, @Nullable Throwable, Mono<T>> next;

		private volatile @Nullable Subscription current;

		private volatile boolean requested;

		private volatile boolean cancelled;

		/** Whether the continuation is subscribed: from then on signals pass through. */
		private boolean continued;

		private @Nullable T value;

		AfterOutcomeSubscriber(CoreSubscriber<? super T> actual,
				BiFunction<@Nullable T, @Nullable Throwable, Mono<T>> next) {
			this.actual = actual;
			this.next = next;
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
				return;
			}
			continuation.subscribe(this);
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
		}

	}

}
