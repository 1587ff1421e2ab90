package io.httpsentinel.resilience;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Runs a client's {@link Pipeline} around a {@code WebClient} exchange, outermost first:
 * total timeout, retry (within the retry budget), then per attempt the host pause, the
 * rate limiter and the circuit breaker. The decisions are the {@link Call}'s; this class
 * only waits on the scheduler, subscribes the attempts and guards the body the caller
 * reads. Retries happen only before the caller has seen a byte of a body: before a
 * response is handed over, and when a body read whole ({@code bodyToMono},
 * {@code toEntity}) breaks off in transit.
 */
final class ResilienceFilter implements ExchangeFilterFunction {

	private final Pipeline pipeline;

	private final ReactiveBreaker breaker;

	private final Supplier<Scheduler> scheduler;

	private final DeadlineTimer deadlines;

	/**
	 * Run a client's pipeline.
	 * @param pipeline the client's pipeline
	 * @param breaker the client's breaker, assembled for Reactor
	 * @param scheduler where backoff and rate-limit waits run and the time is read
	 * (looked up per call, so that virtual time can replace it in tests)
	 * @param deadlines timers for the total timeout
	 */
	ResilienceFilter(Pipeline pipeline, ReactiveBreaker breaker, Supplier<Scheduler> scheduler,
			DeadlineTimer deadlines) {
		this.pipeline = pipeline;
		this.breaker = breaker;
		this.scheduler = scheduler;
		this.deadlines = deadlines;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return new CallMono(request, next);
	}

	private ClientRequest withIdempotencyKey(ClientRequest request) {
		String header = this.pipeline.missingIdempotencyKeyHeader(request.headers());
		if (header == null) {
			return request;
		}
		// One key for the whole call: every attempt carries the same one.
		String key = Pipeline.newIdempotencyKey();
		return ClientRequest.from(request).headers((headers) -> headers.set(header, key)).build();
	}

	/**
	 * The exchange through the filter: each subscription is one call, which sends its
	 * first attempt at once and ends when its outcome has passed downstream or it is
	 * cancelled. One object where {@code Mono.defer(..).doFinally(..)} takes four.
	 */
	private final class CallMono extends Mono<ClientResponse> {

		private final ClientRequest request;

		private final ExchangeFunction next;

		CallMono(ClientRequest request, ExchangeFunction next) {
			this.request = request;
			this.next = next;
		}

		@Override
		public void subscribe(CoreSubscriber<? super ClientResponse> actual) {
			ExchangeCall call;
			try {
				Scheduler timer = ResilienceFilter.this.scheduler.get();
				RequestBody body = new RequestBody();
				call = new ExchangeCall(body.track(withIdempotencyKey(this.request)), this.next, body, timer);
			}
			catch (RuntimeException ex) {
				Operators.error(actual, Operators.onOperatorError(ex, actual.currentContext()));
				return;
			}
			// Each attempt's outcome is captured before deciding, so that an error of a
			// later attempt travels back to the caller instead of being taken for this
			// attempt's.
			MonoAfterOutcome.subscribe(call.sendNow(), actual, call, call);
		}

	}

	/**
	 * One call through the filter: the {@link Call}'s decisions plus what the exchange
	 * needs across attempts. It is also the function that continues after each attempt's
	 * outcome (the continuation is a later attempt, or the outcome handed over), and what
	 * runs when the call ended, so that neither costs an object.
	 */
	private final class ExchangeCall extends Call
			implements BiFunction<@Nullable ClientResponse, @Nullable Throwable, Mono<ClientResponse>>, Runnable {

		private final ClientRequest request;

		private final ExchangeFunction next;

		private final RequestBody body;

		private final Scheduler timer;

		ExchangeCall(ClientRequest request, ExchangeFunction next, RequestBody body, Scheduler timer) {
			super(ResilienceFilter.this.pipeline, request.method(), request.url(),
					ResilienceFilter.this.pipeline.listeners(request.attributes().get(RetryListener.ATTRIBUTE)),
					timer.now(TimeUnit.NANOSECONDS));
			this.request = request;
			this.next = next;
			this.body = body;
			this.timer = timer;
			if (choosesBackend()) {
				keepAffinity(request.attributes().get(BackendAffinity.ATTRIBUTE));
			}
		}

		@Override
		long nowNanos() {
			return this.timer.now(TimeUnit.NANOSECONDS);
		}

		/** The call ended, however it did. */
		@Override
		public void run() {
			ended();
		}

		/**
		 * An attempt, cleared and sent now: at subscription.
		 * @return the attempt, or its error (paused, rate-limited)
		 */
		Mono<ClientResponse> sendNow() {
			try {
				if (rateLimiterIsAsync()) {
					return beforeAttemptAsync().flatMap(this::exchangeAfter);
				}
				return exchangeAfter(beforeAttempt());
			}
			catch (RuntimeException ex) {
				return Mono.error(ex);
			}
		}

		private Mono<ClientResponse> exchangeAfter(long wait) {
			// The backend is chosen when the attempt leaves, after any wait.
			Mono<ClientResponse> exchange = choosesBackend() ? Mono.defer(this::exchangeOnBackend)
					: ResilienceFilter.this.breaker.protect(this.next.exchange(this.request));
			if (wait > 0) {
				exchange = Mono.delay(Duration.ofNanos(wait), this.timer).then(exchange);
			}
			long timeout = attemptTimeoutNanos(wait);
			if (timeout >= 0) {
				exchange = exchange.timeout(ResilienceFilter.this.deadlines.after(Duration.ofNanos(timeout)),
						Mono.error(ResilienceFilter.this.pipeline::totalTimeout));
			}
			return exchange;
		}

		private Mono<ClientResponse> exchangeOnBackend() {
			Mono<Void> known = untilBackendsKnown();
			if (known != null) {
				return known.then(Mono.defer(this::exchangeOnBackend));
			}
			URI url;
			try {
				url = chooseBackend();
			}
			catch (HostPausedException | NoBackendAvailableException ex) {
				return Mono.error(ex);
			}
			return ResilienceFilter.this.breaker.protect(this.next.exchange(new BackendRequest(this.request, url)));
		}

		@Override
		public Mono<ClientResponse> apply(@Nullable ClientResponse response, @Nullable Throwable error) {
			if (response != null) {
				return afterResponse(response);
			}
			return (error != null) ? afterError(error) : Mono.empty();
		}

		private Mono<ClientResponse> afterResponse(ClientResponse response) {
			HttpHeaders headers = response.headers().asHttpHeaders();
			RetryDecision decision = afterResponse(response.statusCode().value(), headers, this.body.replayable());
			if (!decision.retry()) {
				// The response the caller gets: guard whatever it reads of the body.
				boolean stream = StreamingContentTypes.isStream(headers.getFirst(HttpHeaders.CONTENT_TYPE));
				return Mono
					.just(BodyInterceptor.wrap(response, new BodyGuard(this, response.statusCode().value(), stream)));
			}
			return response.releaseBody().then(retryAfter(decision.delay()));
		}

		private Mono<ClientResponse> afterError(Throwable error) {
			RetryDecision decision = afterError(error, this.body.replayable());
			return decision.retry() ? retryAfter(decision.delay()) : Mono.error(error);
		}

		/**
		 * The body of the response handed over, read whole, broke off before the caller
		 * had any of it: fetch it again with a later attempt, read the same way, when the
		 * retry policy allows. A later attempt's response of another status reaches the
		 * caller as that status's error.
		 */
		<T> Mono<T> afterBodyError(Throwable error, int status, Function<ClientResponse, Mono<T>> reread) {
			RetryDecision decision = afterBodyError(error, status, this.body.replayable());
			if (!decision.retry()) {
				return Mono.error(error);
			}
			return retryAfter(decision.delay()).doFinally((signal) -> ended())
				.flatMap((response) -> (response.statusCode().value() == status) ? reread.apply(response)
						: response.createException().flatMap(Mono::error));
		}

		private Mono<ClientResponse> retryAfter(Duration delay) {
			// The retry holds its budget slot while it waits and until its attempt has an
			// outcome, and gives it back before deciding on the next one.
			Mono<ClientResponse> retried = Mono.delay(delay, this.timer)
				.then(Mono.defer(this::sendNow))
				.doOnSuccess((response) -> retryAttemptEnded())
				.doOnError((error) -> retryAttemptEnded())
				.doOnCancel(this::retryAttemptEnded);
			return new MonoAfterOutcome<>(retried, this);
		}

	}

	/**
	 * Applied to the body the caller reads: a body over {@code max-response-size} fails
	 * with a typed error, the total timeout keeps running through a buffered body (and a
	 * stream's, when configured), and a stream breaking off counts against the circuit
	 * breaker, unless its caller reconnects it ({@link ReconnectedStream}). One error
	 * operator does both the translation and the recording.
	 */
	private final class BodyGuard implements BodyInterceptor, MonoDeadline.Bounds {

		private final ExchangeCall call;

		private final int status;

		private final boolean coveredByTotal;

		private final boolean reconnected;

		BodyGuard(ExchangeCall call, int status, boolean stream) {
			this.call = call;
			this.status = status;
			this.coveredByTotal = ResilienceFilter.this.pipeline.totalTimeoutCoversBody(stream);
			this.reconnected = stream && ReconnectedStream.isMarked(call.request.attributes());
		}

		@Override
		public <T> Mono<T> mono(Mono<T> body, Function<ClientResponse, Mono<T>> reread) {
			// Nothing of a body read whole has reached the caller when it breaks off: it
			// may be fetched again.
			Function<Throwable, Mono<T>> again = (error) -> this.call.afterBodyError(error, this.status, reread);
			if (!this.coveredByTotal) {
				return body.onErrorMap(ResilienceFilter.this.pipeline::bodyFailed).onErrorResume(again);
			}
			// One operator for the deadline, the error mapping and the fetch again: this
			// runs for every buffered body.
			return new MonoDeadline<>(body, ResilienceFilter.this.deadlines, this, again);
		}

		@Override
		public long timeLeftNanos() {
			return this.call.remainingNanos();
		}

		@Override
		public Throwable timeout() {
			return ResilienceFilter.this.pipeline.totalTimeout();
		}

		@Override
		public Throwable error(Throwable error) {
			return ResilienceFilter.this.pipeline.bodyFailed(error);
		}

		@Override
		public <T> Flux<T> flux(Flux<T> body) {
			Pipeline pipeline = ResilienceFilter.this.pipeline;
			// A break of a stream the caller reconnects counts against its backend (the
			// reconnect goes to another one), not against the client's breaker.
			Function<Throwable, Throwable> failed = this.reconnected ? pipeline::bodyFailedBeforeReconnect
					: pipeline::bodyFailed;
			Flux<T> guarded = this.call.choosesBackend() ? body.onErrorMap((error) -> {
				this.call.streamBroke(error);
				return failed.apply(error);
			}) : body.onErrorMap(failed);
			if (!this.coveredByTotal) {
				return guarded;
			}
			// Re-evaluated per element, so every element has to arrive before the same
			// deadline.
			Mono<Long> deadline = Mono.defer(() -> ResilienceFilter.this.deadlines.after(remaining()));
			return guarded.timeout(deadline, (item) -> deadline, Flux.error(pipeline::totalTimeout));
		}

		private Duration remaining() {
			return Duration.ofNanos(Math.max(0, this.call.remainingNanos()));
		}

	}

}
