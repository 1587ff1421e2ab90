package io.httpsentinel;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Base of the timeouts Sentinel enforces on an exchange.
 */
public abstract class SentinelTimeoutException extends SentinelException {

	private final Duration timeout;

	protected SentinelTimeoutException(String clientName, String message, Duration timeout, @Nullable Throwable cause) {
		super(clientName, message, cause);
		this.timeout = timeout;
	}

	/**
	 * Timeout that elapsed.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

}
