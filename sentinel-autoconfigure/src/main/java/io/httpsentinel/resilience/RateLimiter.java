package io.httpsentinel.resilience;

/**
 * Client-side rate limit, consulted once per attempt. Kept this small so that a
 * distributed implementation (shared by several replicas) can replace the in-memory one.
 * Implementations must be thread-safe.
 */
interface RateLimiter {

	/**
	 * Returned by {@link #reserve(long)} when the wait would be too long.
	 */
	long REFUSED = -1;

	/**
	 * A limiter that never limits.
	 */
	RateLimiter UNLIMITED = (maxWaitNanos) -> 0;

	/**
	 * Reserve a permit for one request.
	 * @param maxWaitNanos longest acceptable wait, in nanoseconds
	 * @return nanoseconds to wait before sending (0 to send now), or {@link #REFUSED}
	 * when the request would have to wait longer than {@code maxWaitNanos}; then nothing
	 * was reserved
	 */
	long reserve(long maxWaitNanos);

	/**
	 * How long a request would have to wait right now, without reserving anything.
	 * @return nanoseconds, 0 when a permit is available
	 */
	default long estimateWaitNanos() {
		return 0;
	}

	/**
	 * Permits available right now, for monitoring.
	 * @return available permits, or -1 when unlimited
	 */
	default long availablePermits() {
		return -1;
	}

}
