package io.httpsentinel.client.pool;

import java.time.Duration;

import io.httpsentinel.SentinelTimeoutException;
import io.httpsentinel.SettingText;

/**
 * Thrown when a request waited {@code pool.pending-acquire-timeout} for a pooled
 * connection without getting one. The request never reached the server.
 */
public class PoolAcquireTimeoutException extends SentinelTimeoutException {

	public PoolAcquireTimeoutException(String clientName, Duration timeout, Throwable cause) {
		super(clientName, "no pooled connection within pool.pending-acquire-timeout (" + SettingText.duration(timeout)
				+ "); all pool.max-connections are busy", timeout, cause);
	}

}
