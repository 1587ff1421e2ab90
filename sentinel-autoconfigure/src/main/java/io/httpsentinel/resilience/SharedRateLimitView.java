package io.httpsentinel.resilience;

import java.time.Instant;
import java.util.Optional;

/**
 * A rate limit shared by replicas through Redis, as monitoring sees it: whether Redis
 * answers, or the failure mode ({@code rate-limit.redis.on-failure}) decides instead.
 */
public interface SharedRateLimitView {

	/**
	 * The name of the quota in Redis.
	 * @return the key (without the prefix)
	 */
	String key();

	/**
	 * Where Redis is.
	 * @return host and port
	 */
	String redis();

	/**
	 * Since when the failure mode decides, because Redis did not answer.
	 * @return the start of the current fallback, or empty while Redis answers
	 */
	Optional<Instant> fallingBackSince();

	/**
	 * What the limiter does while Redis cannot be reached.
	 * @return the failure mode
	 */
	RedisFailureMode onFailure();

	/**
	 * Times the limiter fell back so far.
	 * @return the count of fallbacks
	 */
	long fallbacks();

	/**
	 * Requests decided by the failure mode so far.
	 * @return the count
	 */
	long fallbackRequests();

	/**
	 * Replicas this replica's share of the quota is computed for, while falling back to
	 * {@code local}: {@code rate-limit.redis.replicas}, or the replicas seen in Redis
	 * last.
	 * @return at least 1
	 */
	int replicas();

}
