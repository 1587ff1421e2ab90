package io.httpsentinel.sse;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * Delay before reconnecting an event stream, as an {@code EventSource} would: the
 * server's {@code retry:} time (or the configured initial delay), doubled per failure in
 * a row up to a cap (a server's {@code retry:} above the cap is still honoured), then
 * stretched by up to 20% so that clients fall out of step. Never shorter than the server
 * asked.
 */
public final class ReconnectDelay {

	/** Delays are stretched by up to this fraction. */
	private static final double JITTER = 0.2;

	private ReconnectDelay() {
	}

	/**
	 * The delay before the next reconnect.
	 * @param serverAsked the server's {@code retry:} time, or {@code null}
	 * @param initialDelay the delay when the server did not ask for one
	 * @param maxDelay the cap of the doubling
	 * @param failuresInARow reconnects since the last healthy connection
	 * @return the delay
	 */
	public static Duration next(@Nullable Duration serverAsked, Duration initialDelay, Duration maxDelay,
			int failuresInARow) {
		Duration base = (serverAsked != null) ? serverAsked : initialDelay;
		long baseMillis = base.toMillis();
		long grown = baseMillis << Math.min(failuresInARow, 20);
		long capped = Math.max(baseMillis, Math.min(grown, maxDelay.toMillis()));
		long jitter = (long) (capped * JITTER * ThreadLocalRandom.current().nextDouble());
		return Duration.ofMillis(capped + jitter);
	}

}
