package io.httpsentinel.resilience;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: retry {@code n} waits
 * {@code min(maxDelay, initialDelay * multiplier^(n-1))}, of which the fraction
 * {@code jitter} is randomized downwards. Randomizing keeps replicas that failed together
 * from retrying together.
 *
 * @param initialDelay wait before the first retry
 * @param multiplier growth per retry, at least 1
 * @param maxDelay longest wait
 * @param jitter randomized fraction, in [0, 1]
 */
record Backoff(Duration initialDelay, double multiplier, Duration maxDelay, double jitter) {

	/**
	 * Wait before the given retry, without jitter.
	 * @param retry the retry number, from 1
	 * @return the wait
	 */
	public Duration baseDelay(int retry) {
		double nanos = this.initialDelay.toNanos() * Math.pow(this.multiplier, Math.max(0, retry - 1));
		long max = this.maxDelay.toNanos();
		return Duration.ofNanos((nanos >= max) ? max : (long) nanos);
	}

	/**
	 * Wait before the given retry, in {@code [base * (1 - jitter), base]}.
	 * @param retry the retry number, from 1
	 * @param random source of uniform values in [0, 1)
	 * @return the wait
	 */
	public Duration delay(int retry, DoubleSupplier random) {
		long base = baseDelay(retry).toNanos();
		return Duration.ofNanos(base - (long) (base * this.jitter * random.getAsDouble()));
	}

}
