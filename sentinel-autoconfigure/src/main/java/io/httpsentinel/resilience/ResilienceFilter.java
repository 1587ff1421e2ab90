package io.httpsentinel.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.http.HttpHeaders;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * The exchange pipeline of one client, outermost first: total timeout, retry (within the
 * retry budget), then per attempt the host pause, the rate limiter and the circuit
 * breaker. Retries happen only before a response is handed to the caller, so nothing is
 * ever retried once the caller has seen a byte of a body.
 */
public final class ResilienceFilter implements ExchangeFilterFunction {

	private static final Duration RESOLVER_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration MARGIN = Duration.ofSeconds(1);

	/** Subtypes of the media types whose bodies are streams of events or records. */
	private static final String[] STREAMING_SUBTYPES = { "event-stream", "ndjson", "stream+json", "jsonl", "json-seq" };

	private final String clientName;

	private final ClientResilience resilience;

	private final Duration total;

	private final boolean totalIncludesStreams;

	private final long rateLimitMaxWaitNanos;

	private final DataSize maxResponseSize;

	private final @Nullable String idempotencyKeyHeader;

	private final Supplier<Scheduler> scheduler;

	private final DeadlineTimer deadlines;

	private final long longestAttemptNanos;

	private final List<RetryListener> listeners;

	/**
	 * Create the pipeline of a client.
	 * @param clientName the client name
	 * @param settings what the pipeline reads of the client's resolved settings
	 * @param resilience the client's resilience state
	 * @param scheduler where backoff and rate-limit waits run and the time is read
	 * (looked up per call, so that virtual time can replace it in tests)
	 * @param deadlines timers for the total timeout
	 * @param listeners listeners told about every attempt of every call
	 */
	public ResilienceFilter(String clientName, PipelineSettings settings, ClientResilience resilience,
			Supplier<Scheduler> scheduler, DeadlineTimer deadlines, List<RetryListener> listeners) {
		this.clientName = clientName;
		this.resilience = resilience;
		this.total = settings.timeouts().total();
		this.totalIncludesStreams = Boolean.TRUE.equals(settings.timeouts().totalIncludesStreams());
		this.rateLimitMaxWaitNanos = settings.rateLimit().maxWait().toNanos();
		this.maxResponseSize = settings.maxResponseSize();
		this.idempotencyKeyHeader = settings.retry().idempotencyKeyHeader();
		this.scheduler = scheduler;
		this.deadlines = deadlines;
		this.longestAttemptNanos = longestAttempt(settings).toNanos();
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return Mono.defer(() -> {
			Scheduler timer = this.scheduler.get();
			RequestBody body = new RequestBody();
			Call call = new Call(body.track(withIdempotencyKey(request)), next, body, timer,
					timer.now(TimeUnit.NANOSECONDS) + this.total.toNanos(), listeners(request));
			RetryBudget budget = this.resilience.retryBudget();
			budget.requestStarted();
			this.resilience.statistics().callStarted();
			return attempt(call, 1).doFinally((signal) -> budget.requestFinished());
		});
	}

	/**
	 * Longest an attempt can take before one of its own timeouts ends it: waiting for a
	 * pooled connection, name resolution (Reactor Netty's resolver gives up after 5s),
	 * connecting, the TLS handshake and the response headers, plus a margin.
	 */
	private static Duration longestAttempt(PipelineSettings settings) {
		return settings.pendingAcquireTimeout()
			.plus(RESOLVER_TIMEOUT)
			.plus(settings.timeouts().connect())
			.plus(settings.timeouts().tlsHandshake())
			.plus(settings.timeouts().responseHeaders())
			.plus(MARGIN);
	}

	private ClientRequest withIdempotencyKey(ClientRequest request) {
		String header = this.idempotencyKeyHeader;
		if (header == null || request.headers().containsHeader(header)) {
			return request;
		}
		// One key for the whole call: every attempt carries the same one.
		String key = UUID.randomUUID().toString();
		return ClientRequest.from(request).headers((headers) -> headers.set(header, key)).build();
	}

	private List<RetryListener> listeners(ClientRequest request) {
		Object perCall = request.attribute(RetryListener.ATTRIBUTE).orElse(null);
		if (perCall instanceof RetryListener listener) {
			List<RetryListener> all = new ArrayList<>(this.listeners);
			all.add(listener);
			return all;
		}
		return this.listeners;
	}

	private Mono<ClientResponse> attempt(Call call, int attempt) {
		return decide(call, attempt, send(call));
	}

	/**
	 * Decide after one attempt. Its outcome is captured before deciding, so that an error
	 * of a later attempt travels back to the caller instead of being taken for this
	 * attempt's.
	 */
	private Mono<ClientResponse> decide(Call call, int attempt, Mono<ClientResponse> sent) {
		return new MonoAfterOutcome<>(sent, (response, error) -> {
			if (response != null) {
				return afterResponse(call, attempt, response);
			}
			return (error != null) ? afterError(call, attempt, error) : Mono.empty();
		});
	}

	private Mono<ClientResponse> send(Call call) {
		return Mono.defer(() -> {
			Optional<java.time.Instant> pausedUntil = this.resilience.hostPause().pausedUntil();
			if (pausedUntil.isPresent()) {
				this.resilience.statistics().hostPauseRejected();
				return Mono.error(new HostPausedException(this.clientName, pausedUntil.get()));
			}
			long maxWait = Math.min(this.rateLimitMaxWaitNanos, call.remainingNanos());
			long wait = this.resilience.rateLimiter().reserve(Math.max(0, maxWait));
			if (wait == RateLimiter.REFUSED) {
				this.resilience.statistics().rateLimitRejected();
				return Mono.error(new RateLimitExceededException(this.clientName,
						Duration.ofNanos(this.resilience.rateLimiter().estimateWaitNanos()),
						Duration.ofNanos(maxWait)));
			}
			Mono<ClientResponse> exchange = this.resilience.circuitBreaker().protect(call.next.exchange(call.request));
			if (wait > 0) {
				this.resilience.statistics().rateLimitWaited(wait);
				exchange = Mono.delay(Duration.ofNanos(wait), call.timer).then(exchange);
			}
			long remaining = call.remainingNanos();
			// An attempt ends by its own timeouts (pool, DNS, connect, TLS, headers);
			// only one
			// that could outlive the call's deadline needs a timer of its own.
			if (remaining - wait <= this.longestAttemptNanos) {
				exchange = exchange.timeout(this.deadlines.after(Duration.ofNanos(Math.max(0, remaining))),
						Mono.error(() -> new TotalTimeoutException(this.clientName, this.total, null)));
			}
			return exchange;
		});
	}

	private Mono<ClientResponse> afterResponse(Call call, int attempt, ClientResponse response) {
		int status = response.statusCode().value();
		HttpHeaders headers = response.headers().asHttpHeaders();
		RetryDecision decision = this.resilience.retryPolicy()
			.afterResponse(attempt, call.request.method(), status, headers, call.body.replayable());
		if (decision.pauseHostUntil() != null) {
			this.resilience.hostPause().pauseUntil(decision.pauseHostUntil());
			this.resilience.statistics().hostPaused();
		}
		decision = withinBudgetAndTime(call, decision);
		call.notify(this.clientName, attempt, status, null, decision);
		count(call, decision, status < 400);
		if (!decision.retry()) {
			// The response the caller gets: guard whatever it reads of the body.
			return Mono.just(BodyInterceptor.wrap(response, new BodyGuard(call, isStream(headers))));
		}
		return response.releaseBody().then(retryAfter(call, attempt, decision.delay()));
	}

	private Mono<ClientResponse> afterError(Call call, int attempt, Throwable error) {
		FailureKind kind = FailureKind.of(error);
		RetryDecision decision = this.resilience.retryPolicy()
			.afterError(attempt, call.request.method(), kind, call.body.replayable());
		decision = withinBudgetAndTime(call, decision);
		call.notify(this.clientName, attempt, null, error, decision);
		count(call, decision, false);
		return decision.retry() ? retryAfter(call, attempt, decision.delay()) : Mono.error(error);
	}

	/**
	 * Count the decision: a retry, or the end of the call with its latency (from its
	 * start, which is its deadline minus the total timeout).
	 */
	private void count(Call call, RetryDecision decision, boolean success) {
		if (decision.retry()) {
			this.resilience.statistics().retried(decision.reason());
			return;
		}
		long now = call.timer.now(TimeUnit.NANOSECONDS);
		this.resilience.statistics().callEnded(success, now, now - (call.deadlineNanos - this.total.toNanos()));
	}

	private RetryDecision withinBudgetAndTime(Call call, RetryDecision decision) {
		if (!decision.retry()) {
			return decision;
		}
		// Never sleep past the deadline: a retry that cannot finish in time is pointless.
		if (decision.delay().toNanos() >= call.remainingNanos()) {
			return RetryDecision.giveUp("deadline");
		}
		if (!this.resilience.retryBudget().tryStartRetry()) {
			return RetryDecision.giveUp("budget-exhausted");
		}
		return decision;
	}

	private Mono<ClientResponse> retryAfter(Call call, int attempt, Duration delay) {
		AtomicBoolean released = new AtomicBoolean();
		Runnable release = () -> {
			if (released.compareAndSet(false, true)) {
				this.resilience.retryBudget().retryFinished();
			}
		};
		// The retry holds its budget slot while it waits and until its attempt has an
		// outcome, and gives it back before deciding on the next one.
		Mono<ClientResponse> retried = Mono.delay(delay, call.timer)
			.then(send(call))
			.doOnSuccess((response) -> release.run())
			.doOnError((error) -> release.run())
			.doOnCancel(release);
		return decide(call, attempt + 1, retried);
	}

	private static boolean isStream(HttpHeaders headers) {
		String type = headers.getFirst(HttpHeaders.CONTENT_TYPE);
		if (type == null) {
			return false;
		}
		// Cheaper than parsing a MediaType on every call; the subtypes are distinctive.
		for (String streaming : STREAMING_SUBTYPES) {
			if (containsIgnoreCase(type, streaming)) {
				return true;
			}
		}
		return false;
	}

	private static boolean containsIgnoreCase(String text, String part) {
		for (int i = 0; i <= text.length() - part.length(); i++) {
			if (text.regionMatches(true, i, part, 0, part.length())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Everything one call needs across its attempts.
	 */
	private record Call(ClientRequest request, ExchangeFunction next, RequestBody body, Scheduler timer,
			long deadlineNanos, List<RetryListener> listeners) {

		long remainingNanos() {
			return this.deadlineNanos - this.timer.now(TimeUnit.NANOSECONDS);
		}

		void notify(String clientName, int attempt, @Nullable Integer status, @Nullable Throwable error,
				RetryDecision decision) {
			if (this.listeners.isEmpty()) {
				return;
			}
			AttemptEvent event = new AttemptEvent(clientName, this.request.method(), this.request.url().getRawPath(),
					attempt, status, error, decision);
			for (RetryListener listener : this.listeners) {
				listener.onAttempt(event);
			}
		}

	}

	/**
	 * Applied to the body the caller reads: a body over {@code max-response-size} fails
	 * with a typed error, the total timeout keeps running through a buffered body (and a
	 * stream's, when configured), and a stream breaking off counts against the circuit
	 * breaker. One error operator does both the translation and the recording.
	 */
	private final class BodyGuard implements BodyInterceptor {

		private final Call call;

		private final boolean stream;

		BodyGuard(Call call, boolean stream) {
			this.call = call;
			this.stream = stream;
		}

		@Override
		public <T> Mono<T> mono(Mono<T> body) {
			if (this.stream && !ResilienceFilter.this.totalIncludesStreams) {
				return body.onErrorMap(this::bodyFailed);
			}
			// One operator for the deadline and the error mapping: this runs for every
			// buffered body.
			return new MonoDeadline<>(body, ResilienceFilter.this.deadlines, this.call::remainingNanos, this::timeout,
					this::bodyFailed);
		}

		@Override
		public <T> Flux<T> flux(Flux<T> body) {
			Flux<T> guarded = body.onErrorMap(this::bodyFailed);
			if (this.stream && !ResilienceFilter.this.totalIncludesStreams) {
				return guarded;
			}
			// Re-evaluated per element, so every element has to arrive before the same
			// deadline.
			Mono<Long> deadline = Mono.defer(() -> ResilienceFilter.this.deadlines.after(remaining()));
			return guarded.timeout(deadline, (item) -> deadline, Flux.error(this::timeout));
		}

		private Throwable bodyFailed(Throwable error) {
			Throwable translated = ResponseTooLargeException.translate(ResilienceFilter.this.clientName,
					ResilienceFilter.this.maxResponseSize, error);
			ResilienceFilter.this.resilience.circuitBreaker().recordBodyFailure(translated);
			return translated;
		}

		private Duration remaining() {
			return Duration.ofNanos(Math.max(0, this.call.remainingNanos()));
		}

		private TotalTimeoutException timeout() {
			return new TotalTimeoutException(ResilienceFilter.this.clientName, ResilienceFilter.this.total, null);
		}

	}

}
