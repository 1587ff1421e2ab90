package io.httpsentinel.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.RateLimitSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientCustomizer;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.resilience.ClientResilience;

/**
 * Cost of Sentinel's exchange pipeline on the request path: the same small GET (64-byte
 * response) to a server on the loopback interface, sent by a plain {@link WebClient} and
 * by a {@link SentinelClient}'s, in the same run and from the same threads, with no
 * faults.
 * <p>
 * Both share one transport: the plain {@code WebClient} is built on the very Reactor
 * Netty {@link HttpClient} the {@link SentinelClientFactory} made for the Sentinel client
 * (captured with a {@link SentinelClientCustomizer} that returns it unchanged), so the
 * connection pool instance, its settings and the client configuration (timeouts,
 * compression) are identical. The plain one has the same base URL and nothing else: no
 * filters. The Sentinel one runs the whole pipeline with its defaults (total timeout,
 * retry within the retry budget, host-pause check, circuit breaker) plus a rate limit of
 * 1,000,000 requests/s that never throttles here but makes the token bucket run on every
 * attempt, then the error translation filter.
 * <ul>
 * <li>{@link #plainWebClient} / {@link #sentinelPipeline}: throughput, requests/s; the
 * overhead is {@code 1 - sentinelPipeline / plainWebClient} (target: at most 5%).</li>
 * <li>{@link #plainWebClientLatency} / {@link #sentinelPipelineLatency}: the same calls
 * in sample-time mode, whose percentiles ({@code p0.99}) are the per-request latency
 * under the same load, in microseconds.</li>
 * </ul>
 * Each benchmark runs in a fresh JVM with a server and clients of its own. The trial ends
 * with a line of the Sentinel client's state: the breaker's state and failed calls, the
 * rate limiter's permits left and how often the retry budget ran out, all of which should
 * show that no fault or throttling happened.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// The reactive stack needs ~15 s of load on 2 cores before its throughput settles.
@Warmup(iterations = 6, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(4)
@State(Scope.Benchmark)
public class PipelineOverheadBenchmark {

	/** 64 ASCII bytes. */
	static final String BODY = "0123456789abcdef".repeat(4);

	private static final byte[] BODY_BYTES = BODY.getBytes(StandardCharsets.US_ASCII);

	/** Far above what loopback reaches: the limiter runs but never makes a call wait. */
	static final int RATE_LIMIT_PER_SECOND = 1_000_000;

	private LoopResources serverLoops;

	private DisposableServer server;

	private SentinelClient sentinelClient;

	private WebClient sentinelWebClient;

	private WebClient plainWebClient;

	@Setup(Level.Trial)
	public void startServerAndClients() {
		this.serverLoops = LoopResources.create("bench-server", 2, true);
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(this.serverLoops)
			.handle((request, response) -> response.header(HttpHeaderNames.CONTENT_TYPE, "text/plain")
				.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(BODY_BYTES.length))
				.sendByteArray(Mono.just(BODY_BYTES)))
			.bindNow(Duration.ofSeconds(10));
		URI baseUrl = URI.create("http://127.0.0.1:" + this.server.port());
		ClientSettings settings = ClientSettings.DEFAULTS.withBaseUrl(baseUrl)
			.withRateLimit(new RateLimitSettings(RATE_LIMIT_PER_SECOND, null, RATE_LIMIT_PER_SECOND,
					RateLimitSettings.DEFAULTS.maxWait()));
		AtomicReference<HttpClient> transport = new AtomicReference<>();
		SentinelClientCustomizer captureTransport = new SentinelClientCustomizer() {

			@Override
			public HttpClient customizeHttpClient(String clientName, HttpClient httpClient) {
				transport.set(httpClient);
				return httpClient;
			}

		};
		this.sentinelClient = new SentinelClientFactory(WebClient::builder, null, List.of(captureTransport))
			.create("bench", settings);
		this.sentinelWebClient = this.sentinelClient.webClient();
		check(transport.get() != null, "the factory did not hand its HttpClient to the customizer");
		this.plainWebClient = WebClient.builder()
			.baseUrl(baseUrl.toString())
			.clientConnector(new ReactorClientHttpConnector(transport.get()))
			.build();
		check(this.sentinelClient.resilience().circuitBreaker().state() != null, "the circuit breaker is disabled");
		check(this.sentinelClient.resilience().rateLimiter().availablePermits() >= 0, "the rate limiter is off");
		check(BODY.equals(call(this.plainWebClient)), "unexpected body through the plain WebClient");
		check(BODY.equals(call(this.sentinelWebClient)), "unexpected body through the Sentinel pipeline");
	}

	@TearDown(Level.Trial)
	public void stopServerAndClients(BenchmarkParams benchmark) {
		String name = benchmark.getBenchmark().substring(benchmark.getBenchmark().lastIndexOf('.') + 1);
		ClientResilience resilience = this.sentinelClient.resilience();
		CircuitBreaker breaker = resilience.circuitBreaker().state();
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		System.out.printf(Locale.ROOT,
				"%n[%s] Sentinel client after the trial: breaker %s (last window: %d successful, %d failed calls), "
						+ "rate limiter %d permits left, retry budget exhausted %d times, pool %s%n",
				name, breaker.getState(), metrics.getNumberOfSuccessfulCalls(), metrics.getNumberOfFailedCalls(),
				resilience.rateLimiter().availablePermits(), resilience.retryBudget().exhaustedCount(),
				this.sentinelClient.pool());
		this.sentinelClient.close();
		this.server.disposeNow(Duration.ofSeconds(10));
		this.serverLoops.disposeLater().block(Duration.ofSeconds(10));
	}

	private static String call(WebClient webClient) {
		return webClient.get().uri("/").retrieve().bodyToMono(String.class).block();
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

	@Benchmark
	public String plainWebClient() {
		return call(this.plainWebClient);
	}

	@Benchmark
	public String sentinelPipeline() {
		return call(this.sentinelWebClient);
	}

	@Benchmark
	@BenchmarkMode(Mode.SampleTime)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public String plainWebClientLatency() {
		return call(this.plainWebClient);
	}

	@Benchmark
	@BenchmarkMode(Mode.SampleTime)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public String sentinelPipelineLatency() {
		return call(this.sentinelWebClient);
	}

}
