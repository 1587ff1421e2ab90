package io.httpsentinel.resilience;

/**
 * What a client with a shared rate limit does while Redis cannot be reached (an error, or
 * no answer within {@code rate-limit.redis.timeout}).
 */
public enum RedisFailureMode {

	/**
	 * Limit locally to this replica's share of the quota (the limit divided by the
	 * replicas), until Redis answers again.
	 */
	LOCAL,

	/**
	 * Send without limiting: the provider's own limit (429s) is the only one.
	 */
	ALLOW,

	/**
	 * Refuse every request with {@link RateLimitExceededException}: for quotas that must
	 * never be exceeded.
	 */
	DENY

}
