package io.httpsentinel.resilience;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.SentinelException;
import io.httpsentinel.SettingText;

/**
 * Thrown when the client's rate limit would make a request wait longer than it may
 * ({@code rate-limit.max-wait}, or the time left of the call). The request was not sent.
 */
public class RateLimitExceededException extends SentinelException {

	private final Duration wouldWait;

	public RateLimitExceededException(String clientName, Duration wouldWait, Duration maxWait) {
		super(clientName,
				"rate limit reached: the next request could go out in "
						+ SettingText.duration(wouldWait.truncatedTo(ChronoUnit.MILLIS)) + ", longer than the "
						+ SettingText.duration(maxWait) + " it may wait",
				null);
		this.wouldWait = wouldWait;
	}

	/**
	 * Create an exception with a message of its own, for limits refused for another
	 * reason than the wait.
	 * @param clientName the client name
	 * @param message the message
	 * @param wouldWait how long the request would have had to wait, when known (zero
	 * otherwise)
	 * @param cause the cause, or {@code null}
	 */
	protected RateLimitExceededException(String clientName, String message, Duration wouldWait,
			@Nullable Throwable cause) {
		super(clientName, message, cause);
		this.wouldWait = wouldWait;
	}

	/**
	 * How long the request would have had to wait for a token.
	 * @return the wait
	 */
	public Duration wouldWait() {
		return this.wouldWait;
	}

}
