package io.httpsentinel.client;

import java.time.Duration;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

import io.httpsentinel.client.pool.PoolStatistics;
import io.httpsentinel.client.pool.PoolStatistics.PoolSnapshot;
import io.httpsentinel.resilience.BackendsView;
import io.httpsentinel.resilience.CircuitBreakerView;
import io.httpsentinel.resilience.ClientResilience;
import io.httpsentinel.resilience.HostPauseView;
import io.httpsentinel.resilience.AdaptivePacingView;
import io.httpsentinel.resilience.SharedRateLimitView;
import io.httpsentinel.resilience.PipelineStatistics;
import io.httpsentinel.sse.ReconnectingEventSource;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseOptions;
import io.httpsentinel.sse.SseResponseException;

/**
 * One named upstream host: a {@link WebClient} and a {@link RestClient} bound to the
 * host's base URL and default headers, on one connection pool of its own and one
 * resilience pipeline, whichever of them makes a call.
 * <p>
 * A client is <strong>thread-safe</strong> and meant to be shared: create it once (the
 * auto-configuration does) and use it from any number of threads at the same time. Its
 * pool hands each concurrent request its own connection, up to
 * {@code pool.max-connections}, and queues the rest. Never create a client per request or
 * per thread: that throws away the pooled connections and their TLS sessions.
 */
public final class SentinelClient implements AutoCloseable {

	private static final Duration DISPOSE_TIMEOUT = Duration.ofSeconds(10);

	/** Events a blocking reader's stream asks for ahead of the reader. */
	private static final int BLOCKING_PREFETCH = 16;

	private final String name;

	private final ClientSettings settings;

	private final WebClient webClient;

	private final RestClient restClient;

	private final ClientTransport transport;

	private final ConnectionProvider connectionProvider;

	private final PoolStatistics poolStatistics;

	private final ClientResilience resilience;

	private final ReconnectingEventSource eventSource;

	SentinelClient(String name, ClientSettings settings, WebClient webClient, RestClient restClient,
			ClientTransport transport, ConnectionProvider connectionProvider, PoolStatistics poolStatistics,
			ClientResilience resilience, Supplier<Scheduler> scheduler) {
		this.eventSource = new ReconnectingEventSource(name, webClient, settings.sse(), scheduler);
		this.resilience = resilience;
		this.name = name;
		this.settings = settings;
		this.webClient = webClient;
		this.restClient = restClient;
		this.transport = transport;
		this.connectionProvider = connectionProvider;
		this.poolStatistics = poolStatistics;
	}

	/**
	 * Name of the client, as configured under {@code sentinel.clients.<name>}.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Resolved settings of the client (every inheritable value filled in).
	 * @return the settings
	 */
	public ClientSettings settings() {
		return this.settings;
	}

	/**
	 * The client's {@link WebClient}: relative URIs resolve against the base URL, default
	 * headers are set, and requests run on the client's pool. Use
	 * {@link WebClient#mutate()} to derive a variant; it shares the pool.
	 * @return the web client
	 */
	public WebClient webClient() {
		return this.webClient;
	}

	/**
	 * The client's {@link RestClient}, for synchronous calls from platform or virtual
	 * threads: relative URIs resolve against the base URL, default headers are set, and
	 * every call runs through the same pool and the same resilience pipeline as
	 * {@link #webClient()} (the calling thread waits; retries, backoff and the total
	 * timeout behave the same). Use {@link RestClient#mutate()} to derive a variant; it
	 * shares the pool and the pipeline. <pre class="code">
	 * Forecast forecast = client.restClient().get().uri("/forecast?city={city}", city)
	 *     .retrieve().body(Forecast.class);
	 * </pre>
	 * @return the rest client
	 */
	public RestClient restClient() {
		return this.restClient;
	}

	/**
	 * Apply this client's base URL, default headers, pool and resilience pipeline to a
	 * {@code RestClient.Builder} of your own (an HTTP service group's, for instance).
	 * @param builder the builder
	 * @return the same builder
	 */
	public RestClient.Builder configure(RestClient.Builder builder) {
		return this.transport.apply(builder);
	}

	/**
	 * Apply this client's base URL, default headers, connector on its pool, response size
	 * limit and resilience pipeline (as the innermost filters) to a
	 * {@code WebClient.Builder} of your own.
	 * @param builder the builder
	 * @return the same builder
	 */
	public WebClient.Builder configure(WebClient.Builder builder) {
		return this.transport.applyPipeline(this.transport.applyConnection(builder));
	}

	/**
	 * A client for an HTTP service interface (methods annotated with
	 * {@code @HttpExchange}, {@code @GetExchange}, ...), backed by {@link #restClient()},
	 * without {@code @ImportHttpServices}. Create it once and keep it: it is thread-safe.
	 * @param <S> the interface type
	 * @param serviceType the interface
	 * @return the client
	 */
	public <S> S httpService(Class<S> serviceType) {
		return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(this.restClient))
			.build()
			.createClient(serviceType);
	}

	/**
	 * Read a Server-Sent Event stream, reconnecting the way a browser's
	 * {@code EventSource} does when it ends or breaks (with {@code Last-Event-ID}, after
	 * the server's {@code retry:} time; see {@code sse.reconnect.*}). Each connection's
	 * request goes through this client's pool, timeouts and resilience pipeline.
	 * Cancelling the returned {@code Flux} closes the connection at once.
	 * <pre class="code">
	 * Flux&lt;SseEvent&gt; events = client.sse((web) -&gt; web.get().uri("/events"));
	 * </pre>
	 * @param request builds the request from this client's web client; called once per
	 * connection
	 * @return the events
	 * @throws SseResponseException (as the {@code Flux}'s error) for a response other
	 * than 2xx or not of type {@code text/event-stream}; a 204 ends the stream
	 */
	public Flux<SseEvent> sse(Function<WebClient, WebClient.RequestHeadersSpec<?>> request) {
		return this.eventSource.events(request, SseOptions.DEFAULTS);
	}

	/**
	 * Read a Server-Sent Event stream with per-call options, for example without
	 * reconnecting, as a POST-based LLM stream needs: <pre class="code">
	 * client.sse((web) -&gt; web.post().uri("/v1/messages").bodyValue(body), SseOptions.DEFAULTS.noReconnect());
	 * </pre>
	 * @param request builds the request from this client's web client; called once per
	 * connection
	 * @param options the options
	 * @return the events
	 * @see #sse(Function)
	 */
	public Flux<SseEvent> sse(Function<WebClient, WebClient.RequestHeadersSpec<?>> request, SseOptions options) {
		return this.eventSource.events(request, options);
	}

	/**
	 * Read a Server-Sent Event stream from blocking code (a platform or virtual thread):
	 * the same parser, reconnects and limits as {@link #sse(Function)}, as a
	 * {@link Stream} that waits for each next event. Close it (try-with-resources) to
	 * close the connection; it holds at most a few events ahead of the reader.
	 * <pre class="code">
	 * try (Stream&lt;SseEvent&gt; events = client.sseStream((web) -&gt; web.get().uri("/events"))) {
	 *     events.forEach((event) -&gt; handle(event.data()));
	 * }
	 * </pre>
	 * @param request builds the request from this client's web client; called once per
	 * connection
	 * @return the events; an error of the stream is thrown from the stream's terminal
	 * operation (as the typed exception, e.g. {@code SseResponseException})
	 */
	public Stream<SseEvent> sseStream(Function<WebClient, WebClient.RequestHeadersSpec<?>> request) {
		return sseStream(request, SseOptions.DEFAULTS);
	}

	/**
	 * Read a Server-Sent Event stream from blocking code, with per-call options.
	 * @param request builds the request from this client's web client; called once per
	 * connection
	 * @param options the options
	 * @return the events
	 * @see #sseStream(Function)
	 */
	public Stream<SseEvent> sseStream(Function<WebClient, WebClient.RequestHeadersSpec<?>> request,
			SseOptions options) {
		return sse(request, options).toStream(BLOCKING_PREFETCH);
	}

	/**
	 * Current figures of the client's connection pool.
	 * @return a snapshot of the pool
	 */
	public PoolSnapshot pool() {
		return this.poolStatistics.snapshot();
	}

	/**
	 * The client's circuit breaker: its state and failure rate, a reset, and the
	 * Resilience4j instance behind it.
	 * @return the breaker (in state {@code DISABLED} when the client has none)
	 */
	public CircuitBreakerView circuitBreaker() {
		return this.resilience.circuitBreaker();
	}

	/**
	 * The client's host pause: until when every call fails at once because the host asked
	 * for a long pause, and a way to lift it.
	 * @return the host pause
	 */
	public HostPauseView hostPause() {
		return this.resilience.hostPause();
	}

	/**
	 * The client's rate limit when it is shared through Redis
	 * ({@code rate-limit.store: redis}): whether Redis answers or the failure mode
	 * decides.
	 * @return the shared limit, or empty when the client keeps its limit in this process
	 */
	public Optional<SharedRateLimitView> sharedRateLimit() {
		return this.resilience.sharedRateLimit();
	}

	/**
	 * The client's adaptive pacing from the provider's rate-limit headers
	 * ({@code rate-limit.adaptive: true}): the quota last stated, this replica's share of
	 * it, the requests held back and refused.
	 * @return the pacing, or empty when the client does not pace from the headers
	 */
	public Optional<AdaptivePacingView> adaptivePacing() {
		return this.resilience.adaptivePacing();
	}

	/**
	 * What the client has been doing: call totals, recent latency, pool, breaker, rate
	 * limit and host pause. Cheap enough to call often (it sums a few counters); works
	 * without Micrometer.
	 * @return an immutable snapshot
	 */
	public ClientMetricsSnapshot metrics() {
		return ClientMetricsSnapshot.of(this.name, this.resilience, this.poolStatistics,
				this.settings.pool().maxConnections());
	}

	/**
	 * Live view of the client's connection pool, per remote address, for meter binders
	 * and health indicators; {@link #pool()} gives the summed figures.
	 * @return the pool statistics
	 */
	public PoolStatistics poolStatistics() {
		return this.poolStatistics;
	}

	/**
	 * Live counters of the client's pipeline (calls, retries by reason, waits, refusals,
	 * latency), for meter binders; {@link #metrics()} gives a snapshot.
	 * @return the pipeline statistics
	 */
	public PipelineStatistics pipelineStatistics() {
		return this.resilience.statistics();
	}

	/**
	 * Close the client's pooled connections. Requests still running fail.
	 */
	@Override
	public void close() {
		this.resilience.close();
		this.connectionProvider.disposeLater().block(DISPOSE_TIMEOUT);
	}

	/**
	 * The backends of a client with several ({@code endpoints}, or {@code lb://}), for
	 * monitoring: each one's address, ejection and counts.
	 * @return the backends, or empty when the client has one base URL
	 */
	public Optional<BackendsView> backends() {
		return this.resilience.backends();
	}

	@Override
	public String toString() {
		return "SentinelClient[" + this.name + " -> " + this.settings.logicalBaseUrl() + "]";
	}

}
