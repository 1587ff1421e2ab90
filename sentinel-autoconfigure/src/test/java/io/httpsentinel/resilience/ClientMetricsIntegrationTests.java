package io.httpsentinel.resilience;

import java.io.IOException;
import java.net.ConnectException;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.httpsentinel.client.ClientMetricsSnapshot;
import io.httpsentinel.client.ClientMetricsSnapshot.Totals;
import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.client.pool.PoolSettings;
import io.httpsentinel.client.pool.TimeoutSettings;
import io.httpsentinel.testsupport.ClientKind;
import io.httpsentinel.testsupport.ErrorStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * {@link SentinelClient#metrics()} after real calls to OkHttp's MockWebServer on
 * loopback: counted by the pipeline itself, no Micrometer involved; the calls go once
 * through each {@link ClientKind}.
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

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void successCountsARequestASuccessAndItsLatency(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().headersDelay(200, TimeUnit.MILLISECONDS).body("ok").build());
		SentinelClient client = this.clients.create(url(), (settings) -> settings);
		assertThat(kind.get(client, "/")).isEqualTo("ok");
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

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void retriedCallCountsItsRetriesAndOneOutcome(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().body("done").build());
		SentinelClient client = this.clients.create(url(), this::fastRetries);
		assertThat(kind.get(client, "/")).isEqualTo("done");
		PipelineStatistics statistics = client.pipelineStatistics();
		assertThat(statistics.retries(RetryReason.STATUS)).isEqualTo(1);
		assertThat(statistics.retries(RetryReason.RESET)).isEqualTo(1);
		assertThat(client.metrics().totals()).isEqualTo(new Totals(1, 1, 0, 2, 0, 0, 0));
		assertThat(client.metrics().latency().calls()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void errorStatusAndConnectFailureCountAsFailures(ClientKind kind) throws IOException {
		this.server.enqueue(new MockResponse.Builder().code(404).build());
		SentinelClient client = this.clients.create(url(), this::fastRetries);
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"));
		assertThat(client.metrics().totals()).isEqualTo(new Totals(1, 0, 1, 0, 0, 0, 0));

		SentinelClient refused = this.clients.create(closedPortUrl(), this::fastRetries);
		assertThat(catchThrowable(() -> kind.get(refused, "/"))).isInstanceOf(kind.transportError())
			.rootCause()
			.isInstanceOf(ConnectException.class);
		assertThat(refused.pipelineStatistics().retries(RetryReason.CONNECT)).isEqualTo(2);
		assertThat(refused.metrics().totals()).isEqualTo(new Totals(1, 0, 1, 2, 0, 0, 0));
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void longRetryAfterCountsAPauseAndTheCallsItRefuses(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "120").build());
		SentinelClient client = this.clients.create(url(), this::fastRetries);
		Instant before = Instant.now();
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"));
		assertThatExceptionOfType(HostPausedException.class).isThrownBy(() -> kind.get(client, "/"));
		assertThatExceptionOfType(HostPausedException.class).isThrownBy(() -> kind.get(client, "/"));
		assertThat(client.pipelineStatistics().hostPauses()).isEqualTo(1);
		ClientMetricsSnapshot metrics = client.metrics();
		assertThat(metrics.totals()).isEqualTo(new Totals(3, 0, 3, 0, 0, 0, 2));
		assertThat(metrics.rateLimit().pausedUntil()).isBetween(before.plusSeconds(119), before.plusSeconds(125));
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void rateLimiterCountsWaitsAndRejections(ClientKind kind) {
		// 2 per second, one at a time: the second call waits about 500ms for its turn.
		SentinelClient waiting = this.clients.create(url(),
				(settings) -> settings.withRateLimit(new RateLimitSettings(2, null, 1, Duration.ofSeconds(5))));
		this.server.enqueue(new MockResponse.Builder().body("first").build());
		this.server.enqueue(new MockResponse.Builder().body("second").build());
		assertThat(kind.get(waiting, "/")).isEqualTo("first");
		assertThat(kind.get(waiting, "/")).isEqualTo("second");
		PipelineStatistics statistics = waiting.pipelineStatistics();
		assertThat(statistics.rateLimitWaits()).isEqualTo(1);
		assertThat(statistics.rateLimitWaitTime(TimeUnit.MILLISECONDS)).isGreaterThan(0).isLessThanOrEqualTo(500);
		assertThat(waiting.metrics().totals().rateLimitRejections()).isZero();

		// 1 per minute: the second call would wait far longer than its 100ms.
		SentinelClient refusing = this.clients.create(url(),
				(settings) -> settings.withRateLimit(new RateLimitSettings(null, 1, 1, Duration.ofMillis(100))));
		this.server.enqueue(new MockResponse.Builder().body("only").build());
		assertThat(kind.get(refusing, "/")).isEqualTo("only");
		assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(() -> kind.get(refusing, "/"));
		ClientMetricsSnapshot metrics = refusing.metrics();
		assertThat(metrics.totals()).isEqualTo(new Totals(2, 1, 1, 0, 0, 1, 0));
		assertThat(metrics.rateLimit().availablePermits()).isZero();
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void openBreakerShowsItsStateAndFailureRate(ClientKind kind) {
		for (int i = 0; i < 4; i++) {
			this.server.enqueue(new MockResponse.Builder().code(500).build());
		}
		SentinelClient client = this.clients.create(url(),
				(settings) -> settings.withRetry(RetrySettings.INHERIT.withMaxRetries(0))
					.withCircuitBreaker(CircuitBreakerSettings.INHERIT.withThreshold(50f, 4)));
		for (int i = 0; i < 4; i++) {
			assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"));
		}
		assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(() -> kind.get(client, "/"));
		ClientMetricsSnapshot metrics = client.metrics();
		assertThat(metrics.breaker()).isEqualTo(new ClientMetricsSnapshot.Breaker(CircuitBreaker.State.OPEN, 100f));
		assertThat(metrics.totals()).isEqualTo(new Totals(5, 0, 5, 0, 0, 0, 0));
	}

	@Test
	void callsThroughBothApisShareOneRateLimitAndOneSnapshot() {
		// Two calls a minute: one through each API, then each is refused.
		SentinelClient client = this.clients.create(url(),
				(settings) -> settings.withRateLimit(new RateLimitSettings(null, 2, 2, Duration.ofMillis(100))));
		this.server.enqueue(new MockResponse.Builder().body("web").build());
		this.server.enqueue(new MockResponse.Builder().body("rest").build());
		assertThat(ClientKind.WEB_CLIENT.get(client, "/")).isEqualTo("web");
		assertThat(ClientKind.REST_CLIENT.get(client, "/")).isEqualTo("rest");
		for (ClientKind kind : ClientKind.values()) {
			assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(() -> kind.get(client, "/"));
		}
		assertThat(this.server.getRequestCount()).isEqualTo(2);
		ClientMetricsSnapshot metrics = client.metrics();
		assertThat(metrics.totals()).isEqualTo(new Totals(4, 2, 2, 0, 0, 2, 0));
		assertThat(metrics.latency().calls()).isEqualTo(4);
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

}
