package io.httpsentinel.resilience;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import io.httpsentinel.Internal;

/**
 * Timers for deadlines that are set on every call and almost never fire (the total
 * timeout). Reactor's parallel scheduler wakes a timer thread for each one it schedules,
 * which costs microseconds per call; a hashed wheel only adds to a queue that its thread
 * drains on its next tick, at the price of a tick's precision (10ms).
 */
@FunctionalInterface
@Internal
public interface DeadlineTimer {

	/**
	 * A signal after the given delay: emits {@code 0} then completes. Cancelling the
	 * subscription cancels the timer.
	 * @param delay the delay
	 * @return the signal
	 */
	Mono<Long> after(Duration delay);

	/**
	 * Run a task after the given delay, unless disposed first. Cheaper than subscribing
	 * to {@link #after} where an operator needs only a callback.
	 * @param task the task
	 * @param delayNanos the delay in nanoseconds
	 * @return disposes the timer
	 */
	default Disposable schedule(Runnable task, long delayNanos) {
		return after(Duration.ofNanos(delayNanos)).subscribe((fired) -> task.run());
	}

	/**
	 * How late a timer may fire: a deadline that must not be missed is set this much
	 * earlier.
	 * @return the precision in nanoseconds, {@code 0} when timers fire on time
	 */
	default long precisionNanos() {
		return 0;
	}

	/**
	 * The shared wheel timer (one daemon thread for the whole JVM, 10ms ticks).
	 * @return the timer
	 */
	static DeadlineTimer wheel() {
		return Wheel.INSTANCE;
	}

	/**
	 * Timers on a Reactor scheduler, looked up per use (virtual time in tests).
	 * @param scheduler the scheduler
	 * @return the timer
	 */
	static DeadlineTimer on(Supplier<Scheduler> scheduler) {
		return new DeadlineTimer() {

			@Override
			public Mono<Long> after(Duration delay) {
				return Mono.delay(delay, scheduler.get());
			}

			@Override
			public Disposable schedule(Runnable task, long delayNanos) {
				return scheduler.get().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
			}

		};
	}

	/**
	 * Deadlines on Netty's {@link HashedWheelTimer}.
	 */
	final class Wheel implements DeadlineTimer {

		// Before INSTANCE: the constructor reads it.
		private static final long TICK_NANOS = 10_000_000;

		static final Wheel INSTANCE = new Wheel();

		private final HashedWheelTimer timer;

		private Wheel() {
			ThreadFactory threads = (task) -> {
				Thread thread = new Thread(task, "sentinel-deadlines");
				thread.setDaemon(true);
				return thread;
			};
			this.timer = new HashedWheelTimer(threads, TICK_NANOS, TimeUnit.NANOSECONDS, 512);
		}

		@Override
		public Mono<Long> after(Duration delay) {
			return new WheelDelay(this.timer, delay.toNanos());
		}

		@Override
		public Disposable schedule(Runnable task, long delayNanos) {
			Timeout timeout = this.timer.newTimeout((fired) -> task.run(), delayNanos, TimeUnit.NANOSECONDS);
			return timeout::cancel;
		}

		@Override
		public long precisionNanos() {
			return TICK_NANOS;
		}

	}

	/**
	 * A Mono that emits when a wheel timeout fires.
	 */
	final class WheelDelay extends Mono<Long> {

		private final HashedWheelTimer timer;

		private final long delayNanos;

		WheelDelay(HashedWheelTimer timer, long delayNanos) {
			this.timer = timer;
			this.delayNanos = delayNanos;
		}

		@Override
		public void subscribe(CoreSubscriber<? super Long> actual) {
			DelaySubscription subscription = new DelaySubscription(actual);
			actual.onSubscribe(subscription);
			subscription.start(this.timer, this.delayNanos);
		}

	}

	/**
	 * Emits once the timeout fired and the subscriber requested; stops the timeout when
	 * cancelled.
	 */
	final class DelaySubscription implements Subscription, TimerTask {

		private final CoreSubscriber<? super Long> actual;

		private boolean requested;

		private boolean fired;

		private boolean done;

		private Timeout timeout;

		DelaySubscription(CoreSubscriber<? super Long> actual) {
			this.actual = actual;
		}

		void start(HashedWheelTimer timer, long delayNanos) {
			Timeout started = timer.newTimeout(this, delayNanos, TimeUnit.NANOSECONDS);
			boolean cancelled;
			synchronized (this) {
				this.timeout = started;
				cancelled = this.done;
			}
			if (cancelled) {
				started.cancel();
			}
		}

		@Override
		public void run(Timeout timeout) {
			synchronized (this) {
				if (this.done) {
					return;
				}
				this.fired = true;
				if (!this.requested) {
					return;
				}
				this.done = true;
			}
			emit();
		}

		@Override
		public void request(long n) {
			synchronized (this) {
				if (this.done || n <= 0) {
					return;
				}
				this.requested = true;
				if (!this.fired) {
					return;
				}
				this.done = true;
			}
			emit();
		}

		@Override
		public void cancel() {
			Timeout started;
			synchronized (this) {
				if (this.done) {
					return;
				}
				this.done = true;
				started = this.timeout;
			}
			if (started != null) {
				started.cancel();
			}
		}

		private void emit() {
			this.actual.onNext(0L);
			this.actual.onComplete();
		}

	}

}
