package io.httpsentinel.redis;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.resilience.RateLimiter;

/**
 * Takes one reservation of Bucket4j's asynchronous scheduling API as a wait instead of a
 * sleep. Bucket4j reserves the token in Redis atomically ({@code tryConsume} with a
 * maximum wait) and then hands its completion to a scheduler; this "scheduler" records
 * the delay, so that the pipeline waits on its own timer and the answer is the wait, as
 * the in-memory limiter gives it.
 */
final class WaitCapture extends AbstractExecutorService implements ScheduledExecutorService {

	/** The wait in nanoseconds, or {@link RateLimiter#REFUSED}. */
	final CompletableFuture<Long> wait = new CompletableFuture<>();

	/**
	 * The outcome of Bucket4j's {@code tryConsume}: it completes only when no delay was
	 * scheduled (a token at once, or none within the maximum wait).
	 * @param consumed whether a token was taken
	 * @param error the error, or {@code null}
	 */
	void completed(@Nullable Boolean consumed, @Nullable Throwable error) {
		if (error != null) {
			this.wait.completeExceptionally(error);
		}
		else {
			this.wait.complete(Boolean.TRUE.equals(consumed) ? 0L : RateLimiter.REFUSED);
		}
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		// The token is reserved; the completion Bucket4j wants to run later is not
		// needed.
		this.wait.complete(unit.toNanos(delay));
		return null;
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
		throw new UnsupportedOperationException();
	}

	@Override
	public void execute(Runnable command) {
		throw new UnsupportedOperationException();
	}

	@Override
	public void shutdown() {
	}

	@Override
	public List<Runnable> shutdownNow() {
		return List.of();
	}

	@Override
	public boolean isShutdown() {
		return false;
	}

	@Override
	public boolean isTerminated() {
		return false;
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return false;
	}

}
