package io.httpsentinel.resilience;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A {@code Mono} run under a Resilience4j circuit breaker, as Resilience4j's own reactive
 * operator runs it, in one subscriber: the permission is asked for when subscribed (a
 * refusal fails with {@link CircuitOpenException}); the value is recorded as the result,
 * completing empty as a success and an error as an error, with the call's duration on the
 * breaker's own clock; a cancellation before any of these gives the permission back.
 * Exactly one of them happens per permission.
 *
 * @param <T> the value type
 */
final class MonoBreaker<T> extends MonoOperator<T, T> {

	private final CircuitBreaker breaker;

	private final String clientName;

	/**
	 * Run a source under a breaker.
	 * @param source the source
	 * @param breaker the Resilience4j instance
	 * @param clientName the client name, for the error of a refusal
	 */
	MonoBreaker(Mono<T> source, CircuitBreaker breaker, String clientName) {
		super(source);
		this.breaker = breaker;
		this.clientName = clientName;
	}

	@Override
	public void subscribe(CoreSubscriber<? super T> actual) {
		if (!this.breaker.tryAcquirePermission()) {
			Operators.error(actual, new CircuitOpenException(this.clientName,
					CallNotPermittedException.createCallNotPermittedException(this.breaker)));
			return;
		}
		this.source.subscribe(new BreakerSubscriber<>(actual, this.breaker));
	}

	static final class BreakerSubscriber<T> implements CoreSubscriber<T>, Subscription {

		@SuppressWarnings("rawtypes")
		private static final AtomicIntegerFieldUpdater<BreakerSubscriber> RECORDED = AtomicIntegerFieldUpdater
			.newUpdater(BreakerSubscriber.class, "recorded");

		private final CoreSubscriber<? super T> actual;

		private final CircuitBreaker breaker;

		private final long start;

		private @Nullable Subscription upstream;

		/** 1 once the permission was used: an outcome recorded, or given back. */
		private volatile int recorded;

		BreakerSubscriber(CoreSubscriber<? super T> actual, CircuitBreaker breaker) {
			this.actual = actual;
			this.breaker = breaker;
			this.start = breaker.getCurrentTimestamp();
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.upstream, subscription)) {
				this.upstream = subscription;
				this.actual.onSubscribe(this);
			}
		}

		@Override
		public void onNext(T value) {
			if (!RECORDED.compareAndSet(this, 0, 1)) {
				// Cancelled before it came: the permission was given back.
				Operators.onDiscard(value, this.actual.currentContext());
				return;
			}
			this.breaker.onResult(elapsed(), this.breaker.getTimestampUnit(), value);
			this.actual.onNext(value);
		}

		@Override
		public void onError(Throwable error) {
			if (RECORDED.compareAndSet(this, 0, 1)) {
				this.breaker.onError(elapsed(), this.breaker.getTimestampUnit(), error);
			}
			this.actual.onError(error);
		}

		@Override
		public void onComplete() {
			if (RECORDED.compareAndSet(this, 0, 1)) {
				this.breaker.onSuccess(elapsed(), this.breaker.getTimestampUnit());
			}
			this.actual.onComplete();
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
			if (RECORDED.compareAndSet(this, 0, 1)) {
				this.breaker.releasePermission();
			}
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
		}

		private long elapsed() {
			return this.breaker.getCurrentTimestamp() - this.start;
		}

	}

}
