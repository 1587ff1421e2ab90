package io.httpsentinel.resilience;

import java.time.Instant;

import io.httpsentinel.SentinelException;

/**
 * Thrown at once, without contacting the host, while the client is paused: the host
 * answered 429 or 503 with a {@code Retry-After} longer than
 * {@code retry.max-retry-after}, so every caller waits until then instead of hammering
 * it.
 */
public class HostPausedException extends SentinelException {

	private final Instant pausedUntil;

	public HostPausedException(String clientName, Instant pausedUntil) {
		super(clientName, "host asked to be left alone until " + pausedUntil + " (Retry-After); request not sent",
				null);
		this.pausedUntil = pausedUntil;
	}

	/**
	 * When the pause ends.
	 * @return the end of the pause
	 */
	public Instant pausedUntil() {
		return this.pausedUntil;
	}

}
