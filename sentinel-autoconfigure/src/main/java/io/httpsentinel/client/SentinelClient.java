package io.httpsentinel.client;

import java.time.Duration;

import java.util.function.Function;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.pool.PoolStatistics;
import io.httpsentinel.client.pool.PoolStatistics.PoolSnapshot;
import io.httpsentinel.resilience.CircuitBreakerView;
import io.httpsentinel.resilience.ClientResilience;
import io.httpsentinel.resilience.HostPauseView;
import io.httpsentinel.resilience.PipelineStatistics;
import io.httpsentinel.sse.ReconnectingEventSource;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseOptions;
import io.httpsentinel.sse.SseResponseException;

/**
 * One named upstream host: a {@link WebClient} bound to the host's base URL and default
 * headers, on a connection pool of its own.
 * <p>
 * A client is <strong>thread-safe</strong> and meant to be shared: create it once (the
 * auto-configuration does) and use it from any number of threads at the same time. Its
 * pool hands each concurrent request its own connection, up to
 * {@code pool.max-connections}, and queues the rest. Never create a client per request or
 * per thread: that throws away the pooled connections and their TLS sessions.
 */
public final class SentinelClient implements AutoCloseable {

	private static final Duration DISPOSE_TIMEOUT = Duration.ofSeconds(10);

	private final String name;

	private final ClientSettings settings;

	private final WebClient webClient;

	private final ConnectionProvider connectionProvider;

	private final PoolStatistics poolStatistics;

	private final ClientResilience resilience;

	private final ReconnectingEventSource eventSource;

	SentinelClient(String name, ClientSettings settings, WebClient webClient, ConnectionProvider connectionProvider,
			PoolStatistics poolStatistics, ClientResilience resilience, Supplier<Scheduler> scheduler) {
		this.eventSource = new ReconnectingEventSource(name, webClient, settings.sse(), scheduler);
		this.resilience = resilience;
		this.name = name;
		this.settings = settings;
		this.webClient = webClient;
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
		this.connectionProvider.disposeLater().block(DISPOSE_TIMEOUT);
	}

	@Override
	public String toString() {
		return "SentinelClient[" + this.name + " -> " + this.settings.baseUrl() + "]";
	}

}
