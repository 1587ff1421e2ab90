package io.httpsentinel.resilience;

import java.time.Duration;

import io.httpsentinel.SentinelException;

/**
 * Thrown without sending anything when a client with several backends has none to send
 * to: discovery found no instance of its service, or gave no answer in time.
 */
public class NoBackendAvailableException extends SentinelException {

	private final String source;

	public NoBackendAvailableException(String clientName, String source) {
		super(clientName, "no backend to send the request to: " + source + " has no instances", null);
		this.source = source;
	}

	/**
	 * The backends of a client are not known yet.
	 * @param clientName the client
	 * @param source where they come from
	 * @param timeout how long the call waited for them
	 */
	NoBackendAvailableException(String clientName, String source, Duration timeout) {
		super(clientName,
				"no backend to send the request to: " + source + " gave none within " + timeout.toMillis() + "ms",
				null);
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
