package io.httpsentinel.resilience;

/**
 * A provider's request quota as one response stated it.
 *
 * @param remaining requests left until the reset
 * @param resetNanos when the quota is back, in nanoseconds since the Unix epoch
 * @param limit requests per window, or {@link RateLimitValues#NONE} when not given
 */
record RateLimitQuota(long remaining, long resetNanos, long limit) {

	/**
	 * Whether the response stated the limit.
	 * @return whether {@link #limit()} is known
	 */
	boolean limitKnown() {
		return this.limit != RateLimitValues.NONE;
	}

}
