package io.httpsentinel.resilience;

import java.time.Duration;

import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;

/**
 * In-memory token bucket (Bucket4j) for one client. A request that has to wait reserves
 * its token first, so waiting callers are served in order and never all rush the bucket
 * when it refills.
 */
final class TokenBucketRateLimiter implements RateLimiter {

	private final Bucket bucket;

	/**
	 * Create a limiter.
	 * @param permits permits per period (the sustained rate)
	 * @param period the period
	 * @param burst permits that may be taken at once when the bucket is full
	 * @param timeMeter time source (virtual time in tests)
	 */
	TokenBucketRateLimiter(long permits, Duration period, long burst, TimeMeter timeMeter) {
		this.bucket = Bucket.builder()
			.withCustomTimePrecision(timeMeter)
			// Bucket4j's default (lock-free) copies the bucket's state on every call (64
			// bytes); under a lock it is updated in place, and the lock is uncontended
			// but for the few nanoseconds a reservation holds it.
			.withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED)
			.addLimit((limit) -> limit.capacity(burst).refillGreedy(permits, period))
			.build();
	}

	@Override
	public long reserve(long maxWaitNanos) {
		if (this.bucket.tryConsume(1)) {
			return 0;
		}
		if (maxWaitNanos <= 0) {
			// Bucket4j rejects a zero wait instead of treating it as "do not wait".
			return REFUSED;
		}
		ParkingRecorder recorder = new ParkingRecorder();
		try {
			// Reserves the token and reports the wait to the recorder instead of
			// sleeping.
			return this.bucket.asBlocking().tryConsume(1, maxWaitNanos, recorder) ? recorder.nanos : REFUSED;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return REFUSED;
		}
	}

	@Override
	public long estimateWaitNanos() {
		return this.bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
	}

	@Override
	public long availablePermits() {
		// Waiting reservations owe tokens (a negative balance); -1 would mean unlimited.
		return Math.max(0, this.bucket.getAvailableTokens());
	}

	/**
	 * A "blocking" strategy that records the wait so that it can happen on a timer.
	 */
	private static final class ParkingRecorder implements BlockingStrategy {

		long nanos;

		@Override
		public void park(long nanosToPark) {
			this.nanos = nanosToPark;
		}

	}

}
