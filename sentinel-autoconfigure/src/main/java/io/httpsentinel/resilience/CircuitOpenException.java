package io.httpsentinel.resilience;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.SentinelException;

/**
 * Thrown at once, without contacting the host, while the client's circuit breaker is open
 * (or half-open with its probe calls taken). Never retried against the same client.
 */
public class CircuitOpenException extends SentinelException {

	public CircuitOpenException(String clientName, @Nullable Throwable cause) {
		super(clientName, "circuit breaker is open: the host failed too often recently; request not sent", cause);
	}

}
