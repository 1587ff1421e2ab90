package io.httpsentinel.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientMetricsSnapshot;
import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientCustomizer;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.resilience.RateLimitSettings;

/**
 * A loopback server answering a small GET (64-byte body), a {@link SentinelClient} for
 * it, and a plain {@link WebClient} and a plain {@link RestClient} on the very same
 * transport.
 * <p>
 * All share one transport: the plain clients are built on the Reactor Netty
 * {@link HttpClient} the {@link SentinelClientFactory} made for the Sentinel client
 * (captured with a {@link SentinelClientCustomizer} that returns it unchanged), the
 * {@code WebClient} through Spring's {@link ReactorClientHttpConnector}, the
 * {@code RestClient} through Spring's {@link ReactorClientHttpRequestFactory}, so the
 * connection pool instance, its settings and the client configuration (timeouts,
 * compression) are identical. The plain ones have the same base URL and nothing else: no
 * filters, no interceptors. The Sentinel ones ({@link SentinelClient#webClient()} and
 * {@link SentinelClient#restClient()}, built from plain builders) run the whole pipeline
 * with its defaults (total timeout, retry within the retry budget, host-pause check,
 * circuit breaker) plus a rate limit of 1,000,000 requests/s that never throttles here
 * but makes the token bucket run on every attempt, then the error translation filter.
 */
final class PipelineFixture implements AutoCloseable {

	/** 64 ASCII bytes. */
	static final String BODY = "0123456789abcdef".repeat(4);

	private static final byte[] BODY_BYTES = BODY.getBytes(StandardCharsets.US_ASCII);

	/** Far above what loopback reaches: the limiter runs but never makes a call wait. */
	static final int RATE_LIMIT_PER_SECOND = 1_000_000;

	private final LoopResources serverLoops;

	private final DisposableServer server;

	private final SentinelClient sentinelClient;

	private final WebClient plainWebClient;

	private final RestClient plainRestClient;

	PipelineFixture() {
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
		check(transport.get() != null, "the factory did not hand its HttpClient to the customizer");
		this.plainWebClient = WebClient.builder()
			.baseUrl(baseUrl.toString())
			.clientConnector(new ReactorClientHttpConnector(transport.get()))
			.build();
		this.plainRestClient = RestClient.builder()
			.baseUrl(baseUrl.toString())
			.requestFactory(new ReactorClientHttpRequestFactory(transport.get()))
			.build();
		check(this.sentinelClient.circuitBreaker().resilience4j() != null, "the circuit breaker is disabled");
		check(this.sentinelClient.metrics().rateLimit().availablePermits() >= 0, "the rate limiter is off");
		check(BODY.equals(call(this.plainWebClient)), "unexpected body through the plain WebClient");
		check(BODY.equals(call(sentinelWebClient())), "unexpected body through the Sentinel pipeline");
		check(BODY.equals(call(this.plainRestClient)), "unexpected body through the plain RestClient");
		check(BODY.equals(call(sentinelRestClient())), "unexpected body through the Sentinel RestClient");
	}

	WebClient plainWebClient() {
		return this.plainWebClient;
	}

	WebClient sentinelWebClient() {
		return this.sentinelClient.webClient();
	}

	RestClient plainRestClient() {
		return this.plainRestClient;
	}

	RestClient sentinelRestClient() {
		return this.sentinelClient.restClient();
	}

	/**
	 * The call the {@code WebClient} benchmarks make.
	 * @param webClient the client to call with
	 * @return the body
	 */
	static String call(WebClient webClient) {
		return webClient.get().uri("/").retrieve().bodyToMono(String.class).block();
	}

	/**
	 * The same call with a {@code RestClient}, blocking the calling thread.
	 * @param restClient the client to call with
	 * @return the body
	 */
	static String call(RestClient restClient) {
		return restClient.get().uri("/").retrieve().body(String.class);
	}

	/**
	 * One line on the Sentinel client's state: the breaker's state and failed calls, the
	 * rate limiter's permits left and how often the retry budget ran out, all of which
	 * should show that no fault or throttling happened.
	 * @return the line
	 */
	String sentinelState() {
		ClientMetricsSnapshot snapshot = this.sentinelClient.metrics();
		CircuitBreaker breaker = this.sentinelClient.circuitBreaker().resilience4j();
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		return String.format(Locale.ROOT,
				"breaker %s (last window: %d successful, %d failed calls), rate limiter %d permits left, "
						+ "retry budget exhausted %d times, pool %s",
				breaker.getState(), metrics.getNumberOfSuccessfulCalls(), metrics.getNumberOfFailedCalls(),
				snapshot.rateLimit().availablePermits(), snapshot.totals().retryBudgetExhausted(),
				this.sentinelClient.pool());
	}

	@Override
	public void close() {
		this.sentinelClient.close();
		this.server.disposeNow(Duration.ofSeconds(10));
		this.serverLoops.disposeLater().block(Duration.ofSeconds(10));
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

}
