package io.httpsentinel.resilience;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A request refused because its client's rate limit is shared through Redis, Redis cannot
 * be reached, and the client is configured to refuse then
 * ({@code rate-limit.redis.on-failure: deny}).
 */
public class SharedRateLimitUnavailableException extends RateLimitExceededException {

	/**
	 * Create an exception.
	 * @param clientName the client name
	 * @param redis where Redis is (host and port)
	 * @param cause why Redis could not be asked, or {@code null}
	 */
	public SharedRateLimitUnavailableException(String clientName, String redis, @Nullable Throwable cause) {
		super(clientName, "shared rate limit unavailable: Redis at " + redis
				+ " cannot be reached and rate-limit.redis.on-failure is deny", Duration.ZERO, cause);
	}

}
