package io.httpsentinel.resilience;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;

import io.httpsentinel.Internal;

/**
 * Client-side rate limit, consulted once per attempt: the in-memory token bucket, the one
 * shared by replicas through Redis, and adaptive pacing, which decorates either.
 * Implementations must be thread-safe.
 */
@Internal
public interface RateLimiter {

	/**
	 * Returned by {@link #reserve(long)} when the wait would be too long.
	 */
	long REFUSED = -1;

	/**
	 * A limiter that never limits.
	 */
	RateLimiter UNLIMITED = (maxWaitNanos) -> 0;

	/**
	 * Reserve a permit for one request, without I/O. Only called when {@link #isAsync()}
	 * is {@code false}.
	 * @param maxWaitNanos longest acceptable wait, in nanoseconds
	 * @return nanoseconds to wait before sending (0 to send now), or {@link #REFUSED}
	 * when the request would have to wait longer than {@code maxWaitNanos}; then nothing
	 * was reserved
	 */
	long reserve(long maxWaitNanos);

	/**
	 * Whether a reservation needs I/O: then the pipeline calls
	 * {@link #reserveAsync(long)} instead of {@link #reserve(long)}.
	 * @return {@code true} for limiters kept outside this process
	 */
	default boolean isAsync() {
		return false;
	}

	/**
	 * Reserve a permit for one request, when that needs I/O. It must complete within the
	 * limiter's own bound (never error: a limiter that cannot decide applies its failure
	 * mode), and may complete on an I/O thread.
	 * @param maxWaitNanos longest acceptable wait, in nanoseconds
	 * @return nanoseconds to wait, or {@link #REFUSED}, as for {@link #reserve(long)}; a
	 * refusal may also be an error of type {@link RateLimitExceededException}
	 */
	default Mono<Long> reserveAsync(long maxWaitNanos) {
		return Mono.fromSupplier(() -> reserve(maxWaitNanos));
	}

	/**
	 * Told about the response of every attempt, before the retry decision (adaptive
	 * pacing reads the provider's rate-limit headers here).
	 * @param status the response status
	 * @param headers the response headers
	 */
	default void onResponse(int status, HttpHeaders headers) {
	}

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
