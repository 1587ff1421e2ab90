package io.httpsentinel.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Client-side rate limit: a token bucket spent by every attempt, retries included. No
 * limit unless a rate is set.
 */
public class RateLimitProperties {

	/**
	 * Sustained rate in requests per second. Set this or 'requests-per-minute'.
	 */
	private @Nullable Integer requestsPerSecond;

	/**
	 * Sustained rate in requests per minute, as most LLM providers publish it.
	 */
	private @Nullable Integer requestsPerMinute;

	/**
	 * Requests that may go out at once when the bucket is full. Defaults to the rate's
	 * own number.
	 */
	private @Nullable Integer burst;

	/**
	 * Longest a request waits for a token before failing with RateLimitExceededException;
	 * also bounded by the time left of the call.
	 */
	private @Nullable Duration maxWait;

	public @Nullable Integer getRequestsPerSecond() {
		return this.requestsPerSecond;
	}

	public void setRequestsPerSecond(@Nullable Integer requestsPerSecond) {
		this.requestsPerSecond = requestsPerSecond;
	}

	public @Nullable Integer getRequestsPerMinute() {
		return this.requestsPerMinute;
	}

	public void setRequestsPerMinute(@Nullable Integer requestsPerMinute) {
		this.requestsPerMinute = requestsPerMinute;
	}

	public @Nullable Integer getBurst() {
		return this.burst;
	}

	public void setBurst(@Nullable Integer burst) {
		this.burst = burst;
	}

	public @Nullable Duration getMaxWait() {
		return this.maxWait;
	}

	public void setMaxWait(@Nullable Duration maxWait) {
		this.maxWait = maxWait;
	}

}
