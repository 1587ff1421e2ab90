package io.httpsentinel.resilience;

import io.httpsentinel.SentinelException;

/**
 * Thrown at once, without sending anything, when a client with several backends has none
 * to send to: discovery found no instance of its service (yet, or any more).
 */
public class NoBackendAvailableException extends SentinelException {

	private final String source;

	public NoBackendAvailableException(String clientName, String source) {
		super(clientName, "no backend to send the request to: " + source + " has no instances", null);
		this.source = source;
	}

	/**
	 * Where the backends come from: the {@code lb://} URL of the service.
	 * @return the source
	 */
	public String source() {
		return this.source;
	}

}
