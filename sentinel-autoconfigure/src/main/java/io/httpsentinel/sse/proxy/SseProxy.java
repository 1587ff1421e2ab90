package io.httpsentinel.sse.proxy;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.resilience.DeadlineTimer;
import io.httpsentinel.sse.SseEvent;

/**
 * Forwards the Server-Sent Event stream of a configured client's upstream to a downstream
 * client (a browser, a mobile app), at close to the cost of a byte relay. Thread-safe;
 * one instance per application (the auto-configuration provides it). <pre class="code">
 * &#64;GetMapping(path = "/api/chat/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
 * Mono&lt;ResponseEntity&lt;Flux&lt;DataBuffer&gt;&gt;&gt; chat() {
 *     return sseProxy.forward(llm, (web) -&gt; web.get().uri("/v1/stream"));
 * }
 * </pre>
 * <ul>
 * <li><strong>Response</strong>: completes when the upstream's headers arrive. An event
 * stream becomes a 200 with {@code Content-Type: text/event-stream},
 * {@code Cache-Control: no-cache} and {@code X-Accel-Buffering: no}, committed at once (a
 * comment line {@code :} is sent first, so that a quiet upstream does not hold the
 * headers back). Before that, a failure becomes a status with a small
 * {@code application/problem+json} body: 503 with {@code Retry-After} when the client is
 * held back (open circuit breaker, host pause, rate limit) or the upstream answered 429
 * or 503 (its {@code Retry-After}), or the stream limits are reached; 504 on a timeout;
 * 204 when the upstream answered 204; 502 otherwise. No upstream header is passed on
 * unless asked for ({@link SseForward#forwardHeaders}), and never a hop-by-hop one.</li>
 * <li><strong>Pass-through</strong>: without hooks, each event is forwarded as the bytes
 * received, as soon as it is complete; events that arrive in one read of the upstream go
 * out in one write and one flush.</li>
 * <li><strong>Heartbeats</strong>: a comment line {@code : heartbeat} after
 * {@code sse.heartbeat} (15s) without anything to forward; only between events.</li>
 * <li><strong>Cancellation</strong>: when the downstream client goes away, the upstream
 * request is cancelled and its connection closed at once.</li>
 * <li><strong>{@code Last-Event-ID}</strong> of the downstream request is passed upstream
 * (WebFlux: read from the exchange in the Reactor context, put there by Spring's
 * {@code ServerWebExchangeContextFilter}; Spring MVC: from the request bound to the
 * thread that calls {@link #forward}/{@link #from}).</li>
 * <li><strong>Errors after the response was committed</strong> end the stream with an
 * in-band error event ({@link SseErrorEvents}), unless the stream is resumed
 * ({@code sse.resume.*}, off by default).</li>
 * <li><strong>Slow clients</strong>: a stream holds at most {@code sse.buffer-size} for
 * its client; then it stops reading the upstream and drops the client after
 * {@code sse.slow-client-timeout} without progress ({@code sse.slow-client-policy}).</li>
 * <li><strong>Limits</strong>: {@code sentinel.sse.max-streams} over all clients and
 * {@code sse.max-streams} per client; a stream over a limit is answered 503 with
 * {@code Retry-After} without contacting the upstream.</li>
 * <li><strong>Only configured clients</strong>: a request built for a client must stay on
 * the client's base URL (scheme, host and port), so no upstream address can come from the
 * downstream request.</li>
 * </ul>
 */
public final class SseProxy {

	/** The {@code Last-Event-ID} header. */
	static final String LAST_EVENT_ID = "Last-Event-ID";

	/** Why a response subscribed by Spring MVC itself fails. */
	static final String SPRING_MVC_CANNOT_WRITE = "Spring MVC cannot write a forwarded SSE stream by itself "
			+ "(it would send each buffer as JSON). Return the Mono of SseProxy.forward(..) or "
			+ "SseForward.toResponse() unchanged from the controller, with SseProxyReturnValueHandler registered "
			+ "(Spring Boot's auto-configuration SseProxyWebMvcAutoConfiguration registers it; without Boot, call "
			+ "SseProxyReturnValueHandler.register(requestMappingHandlerAdapter)), or return "
			+ "SseForward.toResponseBodyEmitter() instead.";

	private final Supplier<Scheduler> scheduler;

	private final DeadlineTimer timers;

	private final Clock clock;

	private final SseProxyListener listener;

	private final Function<? super Throwable, ? extends @Nullable SseEvent> errorEvent;

	private final Executor executor;

	private final OpenStreams streams;

	private final Map<String, SseProxyStatistics> statistics = new ConcurrentHashMap<>();

	private final GuardedWebClients webClients = new GuardedWebClients();

	private SseProxy(Builder builder) {
		this.scheduler = builder.scheduler;
		// The wheel's thread fires the timers of all streams on its ticks, where the
		// parallel scheduler would wake a thread for each (a heartbeat check per stream
		// every sse.heartbeat, even while events flow). A scheduler that was set (virtual
		// time in tests) runs them itself.
		this.timers = (builder.scheduler != Builder.DEFAULT_SCHEDULER) ? DeadlineTimer.on(builder.scheduler)
				: DeadlineTimer.wheel();
		this.clock = builder.clock;
		this.listener = builder.listener;
		this.errorEvent = builder.errorEvent;
		this.executor = builder.executor;
		this.streams = new OpenStreams(builder.maxStreams, builder.shutdownRetry);
	}

	/**
	 * A proxy with the default settings: at most 10,000 streams, stream timers on a
	 * shared timer wheel (10ms ticks) and resume delays on {@link Schedulers#parallel()},
	 * no listener.
	 */
	public SseProxy() {
		this(builder());
	}

	/**
	 * A builder of a proxy with non-default settings.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Forward a stream as it is: the common case, in one line.
	 * @param client the client of the upstream host
	 * @param request builds the upstream request from the client's web client, e.g.
	 * {@code (web) -> web.get().uri("/v1/stream")}; relative to the client's base URL
	 * @return the response, see {@link SseForward#toResponse()}
	 */
	public Mono<ResponseEntity<Flux<DataBuffer>>> forward(SentinelClient client,
			Function<WebClient, WebClient.RequestHeadersSpec<?>> request) {
		return from(client, request).toResponse();
	}

	/**
	 * Start configuring a forwarded stream: hooks, heartbeat, resume, error event.
	 * @param client the client of the upstream host
	 * @param request builds the upstream request from the client's web client; called
	 * once per upstream connection (again when resuming)
	 * @return the forward to configure and start
	 */
	public SseForward from(SentinelClient client, Function<WebClient, WebClient.RequestHeadersSpec<?>> request) {
		Objects.requireNonNull(client, "client");
		Objects.requireNonNull(request, "request");
		// Spring MVC binds the request to the calling thread; WebFlux passes the exchange
		// in the Reactor context, read when the response is subscribed.
		return new SseForward(this, client, request, DownstreamRequest.lastEventIdOfCurrentServletRequest());
	}

	Mono<ResponseEntity<Flux<DataBuffer>>> open(SseForward forward) {
		SentinelClient client = forward.client();
		StreamOptions options = forward.options(this.errorEvent, this.webClients.of(client));
		return Mono.create((sink) -> {
			if (DownstreamRequest.isServletRequestBound()
					&& !DownstreamRequest.isWrittenByAdapter(sink.contextView())) {
				// Spring MVC itself subscribed: it would write each buffer as JSON.
				sink.error(new IllegalStateException(SPRING_MVC_CANNOT_WRITE));
				return;
			}
			Scheduler timer = this.scheduler.get();
			SseProxyStatistics statistics = statistics(client.name());
			StreamReport report = new StreamReport(client.name(), statistics, this.listener,
					() -> timer.now(TimeUnit.NANOSECONDS));
			UpstreamRefusal refusal = this.streams.admit(statistics, options.maxStreams());
			if (refusal != null) {
				report.refused(refusal.status().value());
				sink.success(refusal.toResponse());
				return;
			}
			String lastEventId = forward.lastEventId();
			if (lastEventId == null) {
				lastEventId = DownstreamRequest.lastEventId(sink.contextView());
			}
			ProxyStream stream;
			try {
				stream = new ProxyStream(options, report, this.streams, timer, this.timers, this.clock, sink,
						(lastEventId != null) ? lastEventId : "");
			}
			catch (RuntimeException ex) {
				this.streams.notOpened(statistics);
				throw ex;
			}
			this.streams.opened(stream);
		});
	}

	/**
	 * Live counters of one client's streams (created on first use, so that a meter binder
	 * can bind every configured client at startup).
	 * @param clientName the client name
	 * @return the statistics
	 */
	public SseProxyStatistics statistics(String clientName) {
		return this.statistics.computeIfAbsent(clientName, SseProxyStatistics::new);
	}

	/**
	 * Live counters of every client that forwarded streams.
	 * @return the statistics by client name
	 */
	public Map<String, SseProxyStatistics> statistics() {
		return Map.copyOf(this.statistics);
	}

	/**
	 * Streams open now, over all clients.
	 * @return the number of streams
	 */
	public int activeStreams() {
		return this.streams.count();
	}

	Executor executor() {
		return this.executor;
	}

	/**
	 * End every open stream and refuse new ones (with 503 and {@code Retry-After}), as
	 * the application shuts down: a stream that is open completes cleanly after what it
	 * holds is written (with a {@code retry:} hint, when configured); one that waits for
	 * its upstream's headers is answered 503.
	 */
	public void shutdown() {
		this.streams.shutdown();
	}

	/**
	 * Wait until every stream ended, after {@link #shutdown()}.
	 * @param timeout how long to wait at most
	 * @return whether every stream ended in time
	 * @throws InterruptedException if interrupted
	 */
	public boolean awaitStreamsEnded(Duration timeout) throws InterruptedException {
		return this.streams.awaitEnded(timeout);
	}

	/**
	 * Builds an {@link SseProxy}.
	 */
	public static final class Builder {

		private int maxStreams = 10_000;

		private static final Supplier<Scheduler> DEFAULT_SCHEDULER = Schedulers::parallel;

		private Supplier<Scheduler> scheduler = DEFAULT_SCHEDULER;

		private Clock clock = Clock.systemUTC();

		private SseProxyListener listener = SseProxyListener.NONE;

		private Duration shutdownRetry = Duration.ZERO;

		private Function<? super Throwable, ? extends @Nullable SseEvent> errorEvent = SseErrorEvents::standard;

		private Executor executor = (task) -> Schedulers.boundedElastic().schedule(task);

		private Builder() {
		}

		/**
		 * Where the blocking writes of Spring MVC responses run
		 * ({@link SseForward#toResponseBodyEmitter()}); by default Reactor's
		 * {@link Schedulers#boundedElastic() bounded elastic} scheduler.
		 * @param executor the executor
		 * @return this builder
		 */
		public Builder executor(Executor executor) {
			this.executor = Objects.requireNonNull(executor, "executor");
			return this;
		}

		/**
		 * Most streams open at the same time over all clients.
		 * @param maxStreams the limit, or -1 for none
		 * @return this builder
		 */
		public Builder maxStreams(int maxStreams) {
			if (maxStreams == 0 || maxStreams < -1) {
				throw new IllegalArgumentException("maxStreams must be -1 (no limit) or at least 1: " + maxStreams);
			}
			this.maxStreams = maxStreams;
			return this;
		}

		/**
		 * Where heartbeats, slow-client timeouts and resume delays run, and the time is
		 * read; looked up per stream, so that tests can use virtual time. By default the
		 * time is read from, and resume delays run on, {@link Schedulers#parallel()}, and
		 * the other timers on a shared timer wheel, which fires them up to 10ms late
		 * (heartbeats are sent up to 10ms early instead, so that one always comes within
		 * the interval).
		 * @param scheduler supplies the scheduler
		 * @return this builder
		 */
		public Builder scheduler(Supplier<Scheduler> scheduler) {
			this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
			return this;
		}

		/**
		 * The wall clock, to turn a host pause's end into a {@code Retry-After}.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * Told about every stream's life.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(SseProxyListener listener) {
			this.listener = Objects.requireNonNull(listener, "listener");
			return this;
		}

		/**
		 * Reconnection time announced ({@code retry:}) to the downstream clients whose
		 * streams end because the application shuts down.
		 * @param shutdownRetry the time, or {@link Duration#ZERO} for none
		 * @return this builder
		 */
		public Builder shutdownRetry(Duration shutdownRetry) {
			if (shutdownRetry.isNegative()) {
				throw new IllegalArgumentException("shutdownRetry must not be negative: " + shutdownRetry);
			}
			this.shutdownRetry = shutdownRetry;
			return this;
		}

		/**
		 * The error event of every stream that does not set its own
		 * ({@link SseForward#onErrorEvent}).
		 * @param errorEvent returns the event for a failure, or {@code null} for none
		 * @return this builder
		 */
		public Builder errorEvent(Function<? super Throwable, ? extends @Nullable SseEvent> errorEvent) {
			this.errorEvent = Objects.requireNonNull(errorEvent, "errorEvent");
			return this;
		}

		/**
		 * Build the proxy.
		 * @return the proxy
		 */
		public SseProxy build() {
			return new SseProxy(this);
		}

	}

}
