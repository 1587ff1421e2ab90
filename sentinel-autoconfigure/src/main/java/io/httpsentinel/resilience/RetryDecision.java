package io.httpsentinel.resilience;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What to do after an attempt, and why.
 *
 * @param retry whether to send another attempt
 * @param delay wait before it (zero when not retrying)
 * @param reason why, in words fit for a log line or a metric tag
 * @param pauseHostUntil when set, every caller of the client is held back until then
 */
public record RetryDecision(boolean retry, Duration delay, String reason, @Nullable Instant pauseHostUntil) {

	static RetryDecision retry(Duration delay, String reason) {
		return new RetryDecision(true, delay, reason, null);
	}

	static RetryDecision giveUp(String reason) {
		return new RetryDecision(false, Duration.ZERO, reason, null);
	}

	static RetryDecision pauseHost(Instant until) {
		return new RetryDecision(false, Duration.ZERO, "retry-after-too-long", until);
	}

}
