package io.httpsentinel.client;

import java.io.IOException;

/**
 * The I/O error a client's {@code RestClient} call failed with (connection refused or
 * reset, before a response): thrown by its request factory as the {@code RestClient}
 * contract expects (the {@code RestClient} wraps it in a
 * {@code ResourceAccessException}), naming the client, so that the failure is answered as
 * that client's (see {@link UpstreamProblem#find}) even when several clients share a
 * host.
 */
final class UpstreamIOException extends IOException {

	private final String clientName;

	UpstreamIOException(String clientName, String message, Throwable cause) {
		super(message, cause);
		this.clientName = clientName;
	}

	/**
	 * The client whose call failed.
	 * @return the client name
	 */
	String clientName() {
		return this.clientName;
	}

}
