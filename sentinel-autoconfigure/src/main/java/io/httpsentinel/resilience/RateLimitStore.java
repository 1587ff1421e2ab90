package io.httpsentinel.resilience;

/**
 * Where a client's rate limit keeps its tokens.
 */
public enum RateLimitStore {

	/**
	 * In this process: each replica has the whole configured limit.
	 */
	LOCAL,

	/**
	 * In Redis: the configured limit is shared by every replica using the same Redis and
	 * quota key, and so is the host pause.
	 */
	REDIS

}
