package io.httpsentinel.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * Decides, after each attempt, whether to retry and how long to wait: pure logic, no I/O,
 * no state across calls (the budget and the deadline are the pipeline's).
 */
final class RetryPolicy {

	static final String SHOULD_RETRY_HEADER = "x-should-retry";

	/** Positive jitter added to a server-requested wait: never early, rarely in step. */
	private static final double RETRY_AFTER_JITTER = 0.1;

	private static final Duration MAX_RETRY_AFTER_JITTER = Duration.ofSeconds(1);

	private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT,
			HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.TRACE);

	private final RetrySettings settings;

	private final Backoff backoff;

	private final Clock clock;

	private final DoubleSupplier random;

	private final boolean instant;

	RetryPolicy(RetrySettings settings, Clock clock) {
		this(settings, clock, () -> ThreadLocalRandom.current().nextDouble());
	}

	RetryPolicy(RetrySettings settings, Clock clock, DoubleSupplier random) {
		this.settings = settings;
		this.backoff = new Backoff(settings.initialDelay(), settings.multiplier(), settings.maxDelay(),
				settings.jitter());
		this.clock = clock;
		this.random = random;
		this.instant = Boolean.TRUE.equals(settings.instant());
	}

	/**
	 * Decide after an attempt that got a response.
	 * @param attempt attempts made so far, from 1
	 * @param method the request method
	 * @param status the response status
	 * @param headers the response headers
	 * @param bodyReplayable whether the request body can be sent again
	 * @return the decision
	 */
	public RetryDecision afterResponse(int attempt, HttpMethod method, int status, HttpHeaders headers,
			boolean bodyReplayable) {
		Optional<Duration> retryAfter = (status == 429 || status == 503) ? RetryAfter.of(headers, this.clock)
				: Optional.empty();
		// A server asking for a long pause gets it from every caller, and no retry now.
		if (retryAfter.isPresent() && retryAfter.get().compareTo(this.settings.maxRetryAfter()) > 0) {
			return RetryDecision.pauseHost(pauseEnd(retryAfter.get()));
		}
		return afterStatus(attempt, method, status, headers, bodyReplayable, retryAfter);
	}

	/**
	 * Decide after a response of one of several backends while another can take a retry:
	 * a {@code Retry-After} (429, 503), long or short, speaks for the backend that sent
	 * it, which is paused for that long ({@link RetryDecision#pauseHostUntil()}), and a
	 * retry goes to another backend after the usual backoff.
	 * @param attempt attempts made so far, from 1
	 * @param method the request method
	 * @param status the response status
	 * @param headers the response headers
	 * @param bodyReplayable whether the request body can be sent again
	 * @return the decision, with the pause of the backend when it asked for one
	 */
	public RetryDecision afterBackendResponse(int attempt, HttpMethod method, int status, HttpHeaders headers,
			boolean bodyReplayable) {
		Optional<Duration> retryAfter = (status == 429 || status == 503) ? RetryAfter.of(headers, this.clock)
				: Optional.empty();
		if (retryAfter.isEmpty()) {
			return afterStatus(attempt, method, status, headers, bodyReplayable, retryAfter);
		}
		// The backend that asked waits; the one taking the retry asked nothing.
		RetryDecision decision = afterStatus(attempt, method, status, headers, bodyReplayable, Optional.empty());
		return new RetryDecision(decision.retry(), decision.delay(),
				decision.retry() ? "retry-after-elsewhere" : decision.reason(), pauseEnd(retryAfter.get()));
	}

	private Instant pauseEnd(Duration retryAfter) {
		Instant now = this.clock.instant();
		return this.instant ? now : now.plus(retryAfter);
	}

	/**
	 * The rungs after the pause: whether the status is worth another attempt, and after
	 * what wait.
	 */
	private RetryDecision afterStatus(int attempt, HttpMethod method, int status, HttpHeaders headers,
			boolean bodyReplayable, Optional<Duration> retryAfter) {
		if (status < 400) {
			return RetryDecision.giveUp("success");
		}
		String shouldRetry = headers.getFirst(SHOULD_RETRY_HEADER);
		// The server knows best whether this attempt is worth repeating.
		if ("false".equalsIgnoreCase(shouldRetry)) {
			return RetryDecision.giveUp("server-said-no");
		}
		if (!"true".equalsIgnoreCase(shouldRetry) && !this.settings.statuses().contains(status)) {
			return RetryDecision.giveUp("status-not-retryable");
		}
		// The request reached the server: only repeat what is safe to repeat.
		if (!IDEMPOTENT.contains(method) && !Boolean.TRUE.equals(this.settings.nonIdempotent())) {
			return RetryDecision.giveUp("non-idempotent");
		}
		if (!bodyReplayable) {
			return RetryDecision.giveUp("body-not-replayable");
		}
		if (attempt > this.settings.maxRetries()) {
			return RetryDecision.giveUp("max-retries");
		}
		if (retryAfter.isPresent()) {
			return RetryDecision.retry(waitOf(withPositiveJitter(retryAfter.get())), "retry-after");
		}
		return RetryDecision.retry(waitOf(this.backoff.delay(attempt, this.random)), "status-" + status);
	}

	/**
	 * Decide after an attempt that failed without a response.
	 * @param attempt attempts made so far, from 1
	 * @param method the request method
	 * @param kind what went wrong
	 * @param bodyReplayable whether the request body can be sent again (a body that never
	 * started sending always can)
	 * @return the decision
	 */
	public RetryDecision afterError(int attempt, HttpMethod method, FailureKind kind, boolean bodyReplayable) {
		if (!kind.retryable()) {
			return RetryDecision.giveUp("error-not-retryable");
		}
		// Unless it provably never left, the request may have been processed.
		if (!kind.neverReachedServer() && !IDEMPOTENT.contains(method)
				&& !Boolean.TRUE.equals(this.settings.nonIdempotent())) {
			return RetryDecision.giveUp("non-idempotent");
		}
		if (!bodyReplayable) {
			return RetryDecision.giveUp("body-not-replayable");
		}
		if (attempt > this.settings.maxRetries()) {
			return RetryDecision.giveUp("max-retries");
		}
		return RetryDecision.retry(waitOf(this.backoff.delay(attempt, this.random)),
				kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
	}

	/** Instant retries (for tests) keep every decision and drop only the wait. */
	private Duration waitOf(Duration wait) {
		return this.instant ? Duration.ZERO : wait;
	}

	private Duration withPositiveJitter(Duration wait) {
		long extra = (long) (Math.min(wait.toNanos() * RETRY_AFTER_JITTER, MAX_RETRY_AFTER_JITTER.toNanos())
				* this.random.getAsDouble());
		return wait.plusNanos(extra);
	}

	/**
	 * Backoff used for errors and statuses without {@code Retry-After}.
	 * @return the backoff
	 */
	public Backoff backoff() {
		return this.backoff;
	}

}
