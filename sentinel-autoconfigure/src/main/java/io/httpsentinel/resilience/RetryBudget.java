package io.httpsentinel.resilience;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds concurrent retries to a share of the requests in flight, so that an upstream in
 * trouble sees at most {@code 1 + ratio} times its normal load instead of
 * {@code 1 + maxRetries} times. Thread-safe and lock-free.
 */
final class RetryBudget {

	private final double ratio;

	private final int minConcurrency;

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger retries = new AtomicInteger();

	private final AtomicLong exhausted = new AtomicLong();

	/**
	 * Create a budget.
	 * @param ratio share of the requests in flight that may be retrying, in (0, 1]
	 * @param minConcurrency retries always allowed at the same time
	 */
	RetryBudget(double ratio, int minConcurrency) {
		this.ratio = ratio;
		this.minConcurrency = minConcurrency;
	}

	/** A call started; pair with {@link #requestFinished()}. */
	public void requestStarted() {
		this.requests.incrementAndGet();
	}

	/** A call finished, however it ended. */
	public void requestFinished() {
		this.requests.decrementAndGet();
	}

	/**
	 * Take a retry from the budget; on success pair with {@link #retryFinished()}.
	 * @return whether the retry may go ahead; {@code false} is counted as exhaustion
	 */
	public boolean tryStartRetry() {
		while (true) {
			int current = this.retries.get();
			if (current >= allowed()) {
				this.exhausted.incrementAndGet();
				return false;
			}
			if (this.retries.compareAndSet(current, current + 1)) {
				return true;
			}
		}
	}

	/** A retry granted by {@link #tryStartRetry()} ended (its wait and its attempt). */
	public void retryFinished() {
		this.retries.decrementAndGet();
	}

	private int allowed() {
		return Math.max(this.minConcurrency, (int) (this.requests.get() * this.ratio));
	}

	/**
	 * Requests in flight.
	 * @return the count
	 */
	public int requestsInFlight() {
		return this.requests.get();
	}

	/**
	 * Retries in flight.
	 * @return the count
	 */
	public int retriesInFlight() {
		return this.retries.get();
	}

	/**
	 * Retries refused so far because the budget was spent.
	 * @return the count
	 */
	public long exhaustedCount() {
		return this.exhausted.get();
	}

}
