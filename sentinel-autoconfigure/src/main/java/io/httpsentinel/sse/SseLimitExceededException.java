package io.httpsentinel.sse;

import org.springframework.util.unit.DataSize;

/**
 * Thrown when an event stream sends a line or an event larger than its {@link SseLimits}.
 * The stream cannot go on: the parser has dropped what it buffered and the connection
 * should be closed.
 */
public class SseLimitExceededException extends RuntimeException {

	private final String limitKey;

	private final DataSize limit;

	public SseLimitExceededException(String what, String limitKey, DataSize limit) {
		super("SSE " + what + " exceeds " + limitKey + " (" + SseLimits.format(limit) + ")");
		this.limitKey = limitKey;
		this.limit = limit;
	}

	/**
	 * Configuration key of the limit that was exceeded, relative to a client:
	 * {@value SseLimits#MAX_LINE_SIZE_KEY} or {@value SseLimits#MAX_EVENT_SIZE_KEY}.
	 * @return the key
	 */
	public String limitKey() {
		return this.limitKey;
	}

	/**
	 * Limit that was exceeded.
	 * @return the limit
	 */
	public DataSize limit() {
		return this.limit;
	}

}
