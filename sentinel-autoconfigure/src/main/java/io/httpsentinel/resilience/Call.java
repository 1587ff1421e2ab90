package io.httpsentinel.resilience;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.jspecify.annotations.Nullable;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * The attempt loop of one call, without its transport: its deadline, whether each attempt
 * may start (host pause, rate limiter), and after each attempt's outcome what to record
 * and whether to retry, after what delay. A transport adapter makes one per call (a
 * subclass carrying the transport's own per-call state, so a call stays one object), runs
 * the attempts and waits, and asks this class at every step. Attempts of one call run one
 * after the other; the signals between them order the reads and writes of the attempt
 * count. <pre class="code">
 * call = new MyCall(pipeline, method, uri, listeners, now)    // counts the call
 * loop:
 *   wait = call.beforeAttempt()                   // or throws: paused, rate-limited
 *                                                 // (beforeAttemptAsync() for a shared limiter)
 *   sleep(wait); breaker permission; send, bounded by call.attemptTimeoutNanos(wait)
 *   decision = call.afterResponse(..) or call.afterError(..)
 *   if (decision.retry()) { sleep(decision.delay()); ...; call.retryAttemptEnded() }
 * call.ended()                                    // however the call ended
 * </pre>
 */
abstract class Call {

	@SuppressWarnings("rawtypes")
	private static final AtomicIntegerFieldUpdater<Call> RETRY_SLOT = AtomicIntegerFieldUpdater.newUpdater(Call.class,
			"retrySlot");

	/** Longest a call waits for discovery's first answer. */
	private static final long FIRST_BACKENDS_WAIT = Duration.ofSeconds(5).toNanos();

	private final Pipeline pipeline;

	private final HttpMethod method;

	private final URI uri;

	private final List<RetryListener> listeners;

	private final long deadlineNanos;

	/** Attempts that had an outcome. */
	private int attempts;

	/** 1 while a retry holds a slot of the retry budget. */
	private volatile int retrySlot;

	/** The client's backends when it has several and the request goes to them. */
	private final @Nullable Backends backends;

	/** The request's path and query below the client's base URL, for a backend's URL. */
	private final @Nullable String rest;

	private @Nullable BackendAffinity affinity;

	/** The backend of the current attempt. */
	private @Nullable Backend backend;

	/** The backends this call tried, in order. */
	private Backend @Nullable [] tried;

	private int triedCount;

	/**
	 * Start a call: it counts as in flight (for the retry budget and the statistics)
	 * until {@link #ended()}.
	 * @param pipeline the client's pipeline
	 * @param method the request method
	 * @param uri the request URI
	 * @param listeners told about every attempt ({@link Pipeline#listeners})
	 * @param startNanos the time now, on the scale of {@link #nowNanos()}
	 */
	Call(Pipeline pipeline, HttpMethod method, URI uri, List<RetryListener> listeners, long startNanos) {
		this.pipeline = pipeline;
		this.method = method;
		this.uri = uri;
		this.listeners = listeners;
		this.deadlineNanos = startNanos + pipeline.totalNanos;
		Backends choice = pipeline.resilience.backendChoice();
		this.rest = (choice != null) ? choice.pathUnderBase(uri) : null;
		this.backends = (this.rest != null) ? choice : null;
		pipeline.resilience.retryBudget().requestStarted();
		pipeline.resilience.statistics().callStarted();
	}

	/**
	 * The time now, in nanoseconds on an arbitrary origin (the transport's clock, which
	 * tests replace).
	 * @return the time
	 */
	abstract long nowNanos();

	/**
	 * Time left before the call's total timeout.
	 * @return nanoseconds, negative once it passed
	 */
	final long remainingNanos() {
		return this.deadlineNanos - nowNanos();
	}

	/**
	 * Clear an attempt to start: refused while the host is paused, and when the rate
	 * limiter would make it wait longer than {@code rate-limit.max-wait} or than the time
	 * left. The circuit breaker's permission is the adapter's to ask, around the
	 * exchange. Only for a limiter that is not {@link RateLimiter#isAsync() async}; the
	 * adapter asks {@link #beforeAttemptAsync()} for the others.
	 * @return nanoseconds the attempt must wait before it is sent (0 to send now)
	 * @throws HostPausedException while the host is paused
	 * @throws RateLimitExceededException when the wait would be too long
	 */
	final long beforeAttempt() {
		checkHostPause();
		long maxWait = maxRateLimitWait();
		return reserved(this.pipeline.resilience.rateLimiter().reserve(maxWait), maxWait);
	}

	/**
	 * {@link #beforeAttempt()} for a limiter that needs I/O to decide.
	 * @return the wait, or the error {@link #beforeAttempt()} would throw
	 */
	final Mono<Long> beforeAttemptAsync() {
		try {
			checkHostPause();
		}
		catch (HostPausedException ex) {
			return Mono.error(ex);
		}
		long maxWait = maxRateLimitWait();
		return this.pipeline.resilience.rateLimiter()
			.reserveAsync(maxWait)
			.doOnError(RateLimitExceededException.class,
					(ex) -> this.pipeline.resilience.statistics().rateLimitRejected())
			.map((wait) -> reserved(wait, maxWait));
	}

	/**
	 * Whether the client's rate limiter needs I/O to decide.
	 * @return {@code true} when the adapter must ask {@link #beforeAttemptAsync()}
	 */
	final boolean rateLimiterIsAsync() {
		return this.pipeline.resilience.rateLimiter().isAsync();
	}

	private void checkHostPause() {
		ClientResilience resilience = this.pipeline.resilience;
		Optional<Instant> pausedUntil = resilience.hostPause().pausedUntil();
		if (pausedUntil.isPresent()) {
			resilience.statistics().hostPauseRejected();
			throw new HostPausedException(this.pipeline.clientName, pausedUntil.get());
		}
	}

	private long maxRateLimitWait() {
		return Math.max(0, Math.min(this.pipeline.rateLimitMaxWaitNanos, remainingNanos()));
	}

	private long reserved(long wait, long maxWait) {
		ClientResilience resilience = this.pipeline.resilience;
		if (wait == RateLimiter.REFUSED) {
			resilience.statistics().rateLimitRejected();
			throw new RateLimitExceededException(this.pipeline.clientName,
					Duration.ofNanos(resilience.rateLimiter().estimateWaitNanos()), Duration.ofNanos(maxWait));
		}
		if (wait > 0) {
			resilience.statistics().rateLimitWaited(wait);
		}
		return wait;
	}

	/**
	 * Keep the backend affinity of a stream's connections (a request attribute), so that
	 * a reconnection goes to another backend than the last one.
	 * @param attribute the value of {@link BackendAffinity#ATTRIBUTE}, if any
	 */
	final void keepAffinity(@Nullable Object attribute) {
		if (attribute instanceof BackendAffinity stream) {
			this.affinity = stream;
		}
	}

	/**
	 * Whether the attempts go to a backend chosen per attempt.
	 * @return {@code true} for a client with several backends and a request under its
	 * base URL
	 */
	final boolean choosesBackend() {
		return this.backends != null;
	}

	/**
	 * Wait until discovery gave the client's backends a first time: a call made at
	 * startup, before it answered, waits rather than failing (at most 5s, and the time
	 * left).
	 * @return completes once they are known (fails with
	 * {@link NoBackendAvailableException} after the wait), or {@code null} when they are
	 */
	final @Nullable Mono<Void> untilBackendsKnown() {
		Backends choice = this.backends;
		if (choice == null || choice.resolved()) {
			return null;
		}
		return choice.whenResolved(Duration.ofNanos(Math.max(0, Math.min(FIRST_BACKENDS_WAIT, remainingNanos()))));
	}

	/**
	 * Choose the backend of the next attempt: one this call has not tried when there is
	 * one (a stream's reconnection counts the stream's last backend as tried).
	 * @return the URL of the attempt on it
	 * @throws HostPausedException when every backend asked for a pause
	 * @throws NoBackendAvailableException when discovery found none
	 */
	final URI chooseBackend() {
		Backends choice = Objects.requireNonNull(this.backends);
		this.backend = null;
		if (this.triedCount == 0 && this.affinity != null && this.affinity.last() != null) {
			remember(this.affinity.last());
		}
		Backend chosen = choice.choose(this.tried, this.triedCount);
		remember(chosen);
		this.backend = chosen;
		if (this.affinity != null) {
			this.affinity.connectedTo(chosen);
		}
		return Backends.urlOn(chosen, Objects.requireNonNull(this.rest));
	}

	private void remember(Backend chosen) {
		Backend[] backends = this.tried;
		if (backends == null) {
			backends = new Backend[4];
		}
		else if (this.triedCount == backends.length) {
			backends = Arrays.copyOf(backends, backends.length * 2);
		}
		backends[this.triedCount++] = chosen;
		this.tried = backends;
	}

	/**
	 * The stream handed over broke off: a gateway failure of its backend.
	 * @param error the stream's error
	 */
	final void streamBroke(Throwable error) {
		Backend current = this.backend;
		if (current != null && this.backends != null) {
			this.backends.onError(current, FailureKind.ofBody(error));
		}
	}

	/**
	 * The timer an attempt needs for the total timeout. An attempt ends by its own
	 * timeouts (pool, DNS, connect, TLS, headers); only one that could outlive the call's
	 * deadline needs a timer of its own.
	 * @param waitNanos the wait {@link #beforeAttempt()} imposed
	 * @return nanoseconds until the call's deadline (at least 0), or {@code -1} when the
	 * attempt needs no timer
	 */
	final long attemptTimeoutNanos(long waitNanos) {
		long remaining = remainingNanos();
		return (remaining - waitNanos <= this.pipeline.longestAttemptNanos) ? Math.max(0, remaining) : -1;
	}

	/**
	 * Decide after an attempt that got response headers: pause the host if it asked for a
	 * long pause, retry within the budget and the time left, tell the listeners and
	 * count.
	 * @param status the response status
	 * @param headers the response headers
	 * @param bodyReplayable whether the request body can be sent again
	 * @return the decision; when it is to retry, the retry holds a budget slot until
	 * {@link #retryAttemptEnded()}
	 */
	final RetryDecision afterResponse(int status, HttpHeaders headers, boolean bodyReplayable) {
		int attempt = ++this.attempts;
		ClientResilience resilience = this.pipeline.resilience;
		resilience.rateLimiter().onResponse(status, headers);
		Backend current = this.backend;
		Backends choice = this.backends;
		if (current != null && choice != null) {
			choice.onResponse(current, status);
		}
		boolean pauseBackend = current != null && choice != null && choice.pausesPerBackend();
		RetryDecision decision = (pauseBackend && mayRetryElsewhere(status, headers))
				? resilience.retryPolicy().afterBackendResponse(attempt, this.method, status, headers, bodyReplayable)
				: resilience.retryPolicy().afterResponse(attempt, this.method, status, headers, bodyReplayable);
		if (decision.pauseHostUntil() != null) {
			if (pauseBackend) {
				choice.pause(current, decision.pauseHostUntil());
			}
			else {
				resilience.hostPause().pauseUntil(decision.pauseHostUntil());
			}
			resilience.statistics().hostPaused();
		}
		decision = withinBudgetAndTime(elsewhereAtOnce(decision));
		notify(attempt, status, null, decision);
		count(decision, status < 400);
		return decision;
	}

	/**
	 * Whether a {@code Retry-After} from the current backend speaks for it alone and
	 * another backend can take a retry now. Read only for the statuses that carry one.
	 */
	private boolean mayRetryElsewhere(int status, HttpHeaders headers) {
		return (status == 429 || status == 503) && headers.containsHeader(HttpHeaders.RETRY_AFTER)
				&& Objects.requireNonNull(this.backends).hasOtherAvailable(Objects.requireNonNull(this.backend));
	}

	/**
	 * Decide after an attempt that failed without a response: retry within the budget and
	 * the time left, tell the listeners and count.
	 * @param error the attempt's error
	 * @param bodyReplayable whether the request body can be sent again
	 * @return the decision; when it is to retry, the retry holds a budget slot until
	 * {@link #retryAttemptEnded()}
	 */
	final RetryDecision afterError(Throwable error, boolean bodyReplayable) {
		int attempt = ++this.attempts;
		FailureKind kind = FailureKind.of(error);
		Backend current = this.backend;
		if (current != null && this.backends != null) {
			this.backends.onError(current, kind);
		}
		RetryDecision decision = this.pipeline.resilience.retryPolicy()
			.afterError(attempt, this.method, kind, bodyReplayable);
		decision = withinBudgetAndTime(elsewhereAtOnce(decision));
		notify(attempt, null, error, decision);
		count(decision, false);
		return decision;
	}

	/**
	 * Decide after the body of the response handed over broke off before the caller had
	 * any of it (a body read whole): retry as after an error without a response, within
	 * the budget and the time left. A retry makes the call in flight again, until
	 * {@link #ended()} once more, and its outcome replaces the one counted for the
	 * response.
	 * @param error the body's error
	 * @param status the status of the response whose body broke off
	 * @param bodyReplayable whether the request body can be sent again
	 * @return the decision; when it is to retry, the retry holds a budget slot until
	 * {@link #retryAttemptEnded()}
	 */
	final RetryDecision afterBodyError(Throwable error, int status, boolean bodyReplayable) {
		FailureKind kind = FailureKind.ofBody(error);
		if (kind == FailureKind.OTHER) {
			return RetryDecision.giveUp("error-not-retryable");
		}
		Backend current = this.backend;
		if (current != null && this.backends != null) {
			this.backends.onError(current, kind);
		}
		ClientResilience resilience = this.pipeline.resilience;
		RetryDecision decision = resilience.retryPolicy().afterError(this.attempts, this.method, kind, bodyReplayable);
		if (decision.retry()) {
			// In flight again: the budget's share counts it while it retries.
			resilience.retryBudget().requestStarted();
			decision = withinBudgetAndTime(decision);
			if (decision.retry()) {
				resilience.statistics().callResumed(status < 400);
				resilience.statistics().retried(decision.reason());
			}
			else {
				resilience.retryBudget().requestFinished();
			}
		}
		notify(this.attempts, status, error, decision);
		return decision;
	}

	/**
	 * A retry that goes to a backend this call has not tried leaves at once: the backoff
	 * spares the backend that failed, which the retry does not go to, and a retry waiting
	 * holds its slot of the retry budget (under a fault, the budget then refuses the
	 * retries that would have succeeded elsewhere). Not when the host asked for the wait
	 * ({@code Retry-After} of a client whose pause covers every backend).
	 */
	private RetryDecision elsewhereAtOnce(RetryDecision decision) {
		Backends choice = this.backends;
		if (!decision.retry() || choice == null || this.tried == null || decision.delay().isZero()
				|| "retry-after".equals(decision.reason())
				|| !choice.hasUntriedAvailable(this.tried, this.triedCount)) {
			return decision;
		}
		return new RetryDecision(true, Duration.ZERO, decision.reason(), decision.pauseHostUntil());
	}

	private RetryDecision withinBudgetAndTime(RetryDecision decision) {
		if (!decision.retry()) {
			return decision;
		}
		// Never sleep past the deadline: a retry that cannot finish in time is pointless.
		if (decision.delay().toNanos() >= remainingNanos()) {
			return RetryDecision.giveUp("deadline");
		}
		if (!this.pipeline.resilience.retryBudget().tryStartRetry()) {
			return RetryDecision.giveUp("budget-exhausted");
		}
		this.retrySlot = 1;
		return decision;
	}

	/**
	 * The retry decided last ended its wait and its attempt (with an outcome, or
	 * cancelled): give its budget slot back, before deciding on the next one. Only the
	 * first call after a retry was granted counts.
	 */
	final void retryAttemptEnded() {
		if (RETRY_SLOT.compareAndSet(this, 1, 0)) {
			this.pipeline.resilience.retryBudget().retryFinished();
		}
	}

	/**
	 * The call ended, however it did (a response handed over, an error, a cancellation).
	 */
	final void ended() {
		this.pipeline.resilience.retryBudget().requestFinished();
	}

	/**
	 * Count the decision: a retry, or the end of the call with its latency (from its
	 * start, which is its deadline minus the total timeout).
	 */
	private void count(RetryDecision decision, boolean success) {
		PipelineStatistics statistics = this.pipeline.resilience.statistics();
		if (decision.retry()) {
			statistics.retried(decision.reason());
			return;
		}
		long now = nowNanos();
		statistics.callEnded(success, now, now - (this.deadlineNanos - this.pipeline.totalNanos));
	}

	private void notify(int attempt, @Nullable Integer status, @Nullable Throwable error, RetryDecision decision) {
		if (this.listeners.isEmpty()) {
			return;
		}
		AttemptEvent event = new AttemptEvent(this.pipeline.clientName, this.method, this.uri.getRawPath(), attempt,
				status, error, decision);
		for (RetryListener listener : this.listeners) {
			listener.onAttempt(event);
		}
	}

}
