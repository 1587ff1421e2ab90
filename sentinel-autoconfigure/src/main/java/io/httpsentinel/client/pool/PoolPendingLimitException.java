package io.httpsentinel.client.pool;

import io.httpsentinel.SentinelException;

/**
 * Thrown at once when {@code pool.pending-acquire-max-count} requests already wait for a
 * pooled connection. The request never reached the server.
 */
public class PoolPendingLimitException extends SentinelException {

	public PoolPendingLimitException(String clientName, int limit, Throwable cause) {
		super(clientName, "too many requests waiting for a connection (pool.pending-acquire-max-count = " + limit + ")",
				cause);
	}

}
