package io.httpsentinel.redis;

/**
 * Redis cannot be asked right now (not connected). Never reaches callers of a client: the
 * shared limiter applies its failure mode instead.
 */
final class RedisUnavailableException extends RuntimeException {

	RedisUnavailableException(String message) {
		super(message, null, false, false);
	}

}
