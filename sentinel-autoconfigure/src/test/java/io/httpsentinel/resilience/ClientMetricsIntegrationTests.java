package io.httpsentinel.resilience;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.httpsentinel.client.ClientMetricsSnapshot;
import io.httpsentinel.client.ClientMetricsSnapshot.Totals;
import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.client.pool.PoolSettings;
import io.httpsentinel.client.pool.TimeoutSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link SentinelClient#metrics()} after real calls to OkHttp's MockWebServer on
 * loopback: counted by the pipeline itself, no Micrometer involved.
 */
class ClientMetricsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final MockWebServer server = new MockWebServer();

	private final ResilientClients clients = new ResilientClients(Clock.systemUTC());

	@BeforeEach
	void start() throws IOException {
		this.server.start(InetAddress.getLoopbackAddress(), 0);
	}

	@AfterEach
	void stop() {
		this.clients.close();
		this.server.close();
	}

	@Test
	void newClientHasZeroTotalsAndTheConfiguredPoolSize() {
		ClientMetricsSnapshot metrics = this.clients
			.create(url(), (settings) -> settings.withPool(PoolSettings.INHERIT.withMaxConnections(7)))
			.metrics();
		assertThat(metrics.client()).isEqualTo("upstream");
		assertThat(metrics.totals()).isEqualTo(new Totals(0, 0, 0, 0, 0, 0, 0));
		assertThat(metrics.latency().calls()).isZero();
		assertThat(metrics.pool()).isEqualTo(new ClientMetricsSnapshot.Pool(0, 0, 0, 7));
		assertThat(metrics.breaker()).isEqualTo(new ClientMetricsSnapshot.Breaker(CircuitBreaker.State.CLOSED, -1));
		assertThat(metrics.rateLimit()).isEqualTo(new ClientMetricsSnapshot.RateLimit(-1, null));
	}

	@Test
	void successCountsARequestASuccessAndItsLatency() {
		this.server.enqueue(new MockResponse.Builder().headersDelay(200, TimeUnit.MILLISECONDS).body("ok").build());
		SentinelClient client = this.clients.create(url(), (settings) -> settings);
		assertThat(get(client).block(TIMEOUT)).isEqualTo("ok");
		ClientMetricsSnapshot metrics = client.metrics();
		assertThat(metrics.totals()).isEqualTo(new Totals(1, 1, 0, 0, 0, 0, 0));
		assertThat(metrics.latency().calls()).isEqualTo(1);
		assertThat(metrics.latency().mean()).isGreaterThanOrEqualTo(Duration.ofMillis(200))
			.isLessThan(Duration.ofSeconds(10));
		assertThat(metrics.latency().max()).isEqualTo(metrics.latency().mean());
		// The connection goes back to the pool once the body was read.
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(client.metrics().pool())
				.isEqualTo(new ClientMetricsSnapshot.Pool(0, 1, 0, PoolSettings.DEFAULTS.maxConnections())));
	}

	@Test
	void retriedCallCountsItsRetriesAndOneOutcome() {
		this.server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().body("done").build());
		SentinelClient client = this.clients.create(url(), this::fastRetries);
		assertThat(get(client).block(TIMEOUT)).isEqualTo("done");
		PipelineStatistics statistics = client.pipelineStatistics();
		assertThat(statistics.retries(RetryReason.STATUS)).isEqualTo(1);
		assertThat(statistics.retries(RetryReason.RESET)).isEqualTo(1);
		assertThat(client.metrics().totals()).isEqualTo(new Totals(1, 1, 0, 2, 0, 0, 0));
		assertThat(client.metrics().latency().calls()).isEqualTo(1);
	}

	@Test
	void errorStatusAndConnectFailureCountAsFailures() throws IOException {
		this.server.enqueue(new MockResponse.Builder().code(404).build());
		SentinelClient client = this.clients.create(url(), this::fastRetries);
		StepVerifier.create(get(client)).expectError(WebClientResponseException.class).verify(TIMEOUT);
		assertThat(client.metrics().totals()).isEqualTo(new Totals(1, 0, 1, 0, 0, 0, 0));

		SentinelClient refused = this.clients.create(closedPortUrl(), this::fastRetries);
		StepVerifier.create(get(refused)).expectError(WebClientRequestException.class).verify(TIMEOUT);
		assertThat(refused.pipelineStatistics().retries(RetryReason.CONNECT)).isEqualTo(2);
		assertThat(refused.metrics().totals()).isEqualTo(new Totals(1, 0, 1, 2, 0, 0, 0));
	}

	@Test
	void longRetryAfterCountsAPauseAndTheCallsItRefuses() {
		this.server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "120").build());
		SentinelClient client = this.clients.create(url(), this::fastRetries);
		Instant before = Instant.now();
		StepVerifier.create(get(client)).expectError(WebClientResponseException.class).verify(TIMEOUT);
		StepVerifier.create(get(client)).expectError(HostPausedException.class).verify(TIMEOUT);
		StepVerifier.create(get(client)).expectError(HostPausedException.class).verify(TIMEOUT);
		assertThat(client.pipelineStatistics().hostPauses()).isEqualTo(1);
		ClientMetricsSnapshot metrics = client.metrics();
		assertThat(metrics.totals()).isEqualTo(new Totals(3, 0, 3, 0, 0, 0, 2));
		assertThat(metrics.rateLimit().pausedUntil()).isBetween(before.plusSeconds(119), before.plusSeconds(125));
	}

	@Test
	void rateLimiterCountsWaitsAndRejections() {
		// 2 per second, one at a time: the second call waits about 500ms for its turn.
		SentinelClient waiting = this.clients.create(url(),
				(settings) -> settings.withRateLimit(new RateLimitSettings(2, null, 1, Duration.ofSeconds(5))));
		this.server.enqueue(new MockResponse.Builder().body("first").build());
		this.server.enqueue(new MockResponse.Builder().body("second").build());
		assertThat(get(waiting).block(TIMEOUT)).isEqualTo("first");
		assertThat(get(waiting).block(TIMEOUT)).isEqualTo("second");
		PipelineStatistics statistics = waiting.pipelineStatistics();
		assertThat(statistics.rateLimitWaits()).isEqualTo(1);
		assertThat(statistics.rateLimitWaitTime(TimeUnit.MILLISECONDS)).isGreaterThan(0).isLessThanOrEqualTo(500);
		assertThat(waiting.metrics().totals().rateLimitRejections()).isZero();

		// 1 per minute: the second call would wait far longer than its 100ms.
		SentinelClient refusing = this.clients.create(url(),
				(settings) -> settings.withRateLimit(new RateLimitSettings(null, 1, 1, Duration.ofMillis(100))));
		this.server.enqueue(new MockResponse.Builder().body("only").build());
		assertThat(get(refusing).block(TIMEOUT)).isEqualTo("only");
		StepVerifier.create(get(refusing)).expectError(RateLimitExceededException.class).verify(TIMEOUT);
		ClientMetricsSnapshot metrics = refusing.metrics();
		assertThat(metrics.totals()).isEqualTo(new Totals(2, 1, 1, 0, 0, 1, 0));
		assertThat(metrics.rateLimit().availablePermits()).isZero();
	}

	@Test
	void openBreakerShowsItsStateAndFailureRate() {
		for (int i = 0; i < 4; i++) {
			this.server.enqueue(new MockResponse.Builder().code(500).build());
		}
		SentinelClient client = this.clients.create(url(),
				(settings) -> settings.withRetry(RetrySettings.INHERIT.withMaxRetries(0))
					.withCircuitBreaker(CircuitBreakerSettings.INHERIT.withThreshold(50f, 4)));
		for (int i = 0; i < 4; i++) {
			StepVerifier.create(get(client)).expectError(WebClientResponseException.class).verify(TIMEOUT);
		}
		StepVerifier.create(get(client)).expectError(CircuitOpenException.class).verify(TIMEOUT);
		ClientMetricsSnapshot metrics = client.metrics();
		assertThat(metrics.breaker()).isEqualTo(new ClientMetricsSnapshot.Breaker(CircuitBreaker.State.OPEN, 100f));
		assertThat(metrics.totals()).isEqualTo(new Totals(5, 0, 5, 0, 0, 0, 0));
	}

	@Test
	void disabledBreakerIsReportedAsDisabled() {
		SentinelClient client = this.clients.create(url(),
				(settings) -> settings.withCircuitBreaker(CircuitBreakerSettings.INHERIT.withEnabled(false)));
		assertThat(client.metrics().breaker())
			.isEqualTo(new ClientMetricsSnapshot.Breaker(CircuitBreaker.State.DISABLED, -1));
	}

	@Test
	void registryGivesTheSnapshotOfEveryClientByName() {
		SentinelClient client = this.clients.create(url(), (settings) -> settings);
		SentinelClients registry = new SentinelClients(java.util.List.of(client));
		assertThat(registry.metrics()).containsOnlyKeys("upstream");
		assertThat(registry.metrics().get("upstream").totals()).isEqualTo(client.metrics().totals());
	}

	private ClientSettings fastRetries(ClientSettings settings) {
		return settings
			.withRetry(RetrySettings.INHERIT.withBackoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(50), 0.5))
			.withTimeouts(TimeoutSettings.INHERIT.withConnect(Duration.ofSeconds(2)));
	}

	private URI url() {
		return URI.create("http://127.0.0.1:" + this.server.getPort());
	}

	private static URI closedPortUrl() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return URI.create("http://127.0.0.1:" + socket.getLocalPort());
		}
	}

	private static Mono<String> get(SentinelClient client) {
		return client.webClient().get().uri("/").retrieve().bodyToMono(String.class);
	}

}
