package io.httpsentinel.client;

import org.jspecify.annotations.Nullable;

/**
 * Base of the errors Sentinel raises. Each names the client it happened on, so that a log
 * line alone tells which upstream misbehaved.
 */
public class SentinelException extends RuntimeException {

	private final String clientName;

	public SentinelException(String clientName, String message, @Nullable Throwable cause) {
		super("Sentinel client '" + clientName + "': " + message, cause);
		this.clientName = clientName;
	}

	/**
	 * Name of the client the error happened on.
	 * @return the client name
	 */
	public String clientName() {
		return this.clientName;
	}

}
