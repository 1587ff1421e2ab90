package io.httpsentinel.autoconfigure.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.resilience.CircuitOpenException;
import io.httpsentinel.resilience.HostPausedException;
import io.httpsentinel.resilience.RateLimitExceededException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sentinel's meters moving with real traffic: the full auto-configuration (Micrometer,
 * observations, Spring Cloud CircuitBreaker) against OkHttp's MockWebServer on loopback.
 */
class SentinelMetricsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final MockWebServer server = new MockWebServer();

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() throws IOException {
		this.server.start(InetAddress.getLoopbackAddress(), 0);
		this.contextRunner = BootMetrics.application()
			.withPropertyValues("sentinel.clients.up.base-url=http://127.0.0.1:" + this.server.getPort(),
					"sentinel.clients.up.retry.initial-delay=10ms", "sentinel.clients.up.retry.max-delay=50ms",
					"sentinel.clients.up.timeouts.response-headers=300ms");
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void retriesAreCountedByReasonAndTheCallOnce() {
		this.server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "0").build());
		this.server.enqueue(new MockResponse.Builder().headersDelay(2, TimeUnit.SECONDS).build());
		this.server.enqueue(new MockResponse.Builder().body("done").build());
		this.contextRunner.withPropertyValues("sentinel.clients.up.retry.max-retries=4").run((context) -> {
			assertThat(get(context, "up").block(TIMEOUT)).isEqualTo("done");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(retries(registry, "up", "reset")).isEqualTo(1);
			assertThat(retries(registry, "up", "status")).isEqualTo(1);
			assertThat(retries(registry, "up", "retry-after")).isEqualTo(1);
			assertThat(retries(registry, "up", "timeout")).isEqualTo(1);
			assertThat(retries(registry, "up", "connect")).isZero();
			// One call, observed once, with its final outcome.
			assertThat(registry.get("http.client.requests").tag("client", "up").timer().count()).isEqualTo(1);
			assertThat(registry.get("http.client.requests").tag("client", "up").timer().getId().getTag("status"))
				.isEqualTo("200");
		});
	}

	@Test
	void connectFailuresAreRetriesForTheirOwnReason() throws IOException {
		this.contextRunner
			.withPropertyValues("sentinel.clients.down.base-url=" + closedPortUrl(),
					"sentinel.clients.down.retry.max-retries=1", "sentinel.clients.down.retry.initial-delay=10ms")
			.run((context) -> {
				StepVerifier.create(get(context, "down")).expectError().verify(TIMEOUT);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(retries(registry, "down", "connect")).isEqualTo(1);
				assertThat(retries(registry, "up", "connect")).isZero();
			});
	}

	@Test
	void openBreakerRejectionsAreInResilience4jsMeters() {
		for (int i = 0; i < 4; i++) {
			this.server.enqueue(new MockResponse.Builder().code(500).build());
		}
		this.contextRunner
			.withPropertyValues("sentinel.clients.up.retry.max-retries=0",
					"sentinel.clients.up.circuit-breaker.minimum-calls=4")
			.run((context) -> {
				for (int i = 0; i < 4; i++) {
					StepVerifier.create(get(context, "up")).expectError().verify(TIMEOUT);
				}
				StepVerifier.create(get(context, "up")).expectError(CircuitOpenException.class).verify(TIMEOUT);
				StepVerifier.create(get(context, "up")).expectError(CircuitOpenException.class).verify(TIMEOUT);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("resilience4j.circuitbreaker.not.permitted.calls")
					.tag("name", "up")
					.counter()
					.count()).isEqualTo(2);
				assertThat(registry.get("resilience4j.circuitbreaker.state")
					.tag("name", "up")
					.tag("state", "open")
					.gauge()
					.value()).isEqualTo(1);
				// Failed calls, open breaker included, in the request meter.
				assertThat(registry.get("http.client.requests")
					.tag("client", "up")
					.tag("exception", "CircuitOpenException")
					.timer()
					.count()).isEqualTo(2);
			});
	}

	@Test
	void rateLimitWaitsAreTimedAndRejectionsCounted() {
		this.server.enqueue(new MockResponse.Builder().body("1").build());
		this.server.enqueue(new MockResponse.Builder().body("2").build());
		this.server.enqueue(new MockResponse.Builder().body("3").build());
		this.contextRunner
			.withPropertyValues("sentinel.clients.paced.base-url=http://127.0.0.1:" + this.server.getPort(),
					"sentinel.clients.paced.rate-limit.requests-per-second=1",
					"sentinel.clients.paced.rate-limit.burst=1", "sentinel.clients.up.rate-limit.requests-per-minute=1",
					"sentinel.clients.up.rate-limit.max-wait=100ms")
			.run((context) -> {
				// One per second, one at a time: the second call waits for what is left
				// of
				// the second after the first call (which can take over 500ms on a loaded
				// machine: at two per second the second call then did not wait at all).
				assertThat(get(context, "paced").block(TIMEOUT)).isEqualTo("1");
				assertThat(get(context, "paced").block(TIMEOUT)).isEqualTo("2");
				// One per minute: the second call would wait far longer than 100ms.
				assertThat(get(context, "up").block(TIMEOUT)).isEqualTo("3");
				StepVerifier.create(get(context, "up")).expectError(RateLimitExceededException.class).verify(TIMEOUT);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				FunctionTimer waits = registry.get("sentinel.client.rate.limit.waits")
					.tag("client", "paced")
					.functionTimer();
				assertThat(waits.count()).isEqualTo(1);
				assertThat(waits.totalTime(TimeUnit.MILLISECONDS)).isGreaterThan(0).isLessThanOrEqualTo(1000);
				assertThat(counter(registry, "sentinel.client.rate.limit.rejected", "up")).isEqualTo(1);
				assertThat(counter(registry, "sentinel.client.rate.limit.rejected", "paced")).isZero();
			});
	}

	@Test
	void hostPauseIsCountedWithItsEndAndTheCallsItRefuses() {
		this.server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "120").build());
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("sentinel.client.host.paused.until").tag("client", "up").gauge().value()).isZero();
			Instant before = Instant.now();
			StepVerifier.create(get(context, "up")).expectError().verify(TIMEOUT);
			StepVerifier.create(get(context, "up")).expectError(HostPausedException.class).verify(TIMEOUT);
			assertThat(counter(registry, "sentinel.client.host.pauses", "up")).isEqualTo(1);
			assertThat(counter(registry, "sentinel.client.host.pause.rejected", "up")).isEqualTo(1);
			assertThat(registry.get("sentinel.client.host.paused.until").tag("client", "up").gauge().value())
				.isBetween(before.getEpochSecond() + 119.0, before.getEpochSecond() + 125.0);
		});
	}

	@Test
	void poolMetersReachBootsRegistryWithoutTheGlobalRegistry() {
		this.server.enqueue(new MockResponse.Builder().body("ok").build());
		this.contextRunner
			.withPropertyValues("management.metrics.use-global-registry=false",
					"sentinel.clients.up.pool.max-connections=7")
			.run((context) -> {
				assertThat(get(context, "up").block(TIMEOUT)).isEqualTo("ok");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				String remoteAddress = "127.0.0.1:" + this.server.getPort();
				assertThat(pool(registry, "total")).isEqualTo(1);
				assertThat(pool(registry, "max")).isEqualTo(7);
				await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pool(registry, "idle")).isEqualTo(1));
				assertThat(pool(registry, "active")).isZero();
				assertThat(pool(registry, "pending")).isZero();
				assertThat(registry.get("reactor.netty.connection.provider.max.pending.connections")
					.tag("name", "sentinel-up")
					.gauge()
					.getId()
					.getTags()).extracting((tag) -> tag.getKey() + "=" + tag.getValue())
					.contains("name=sentinel-up", "remote.address=" + remoteAddress)
					.anySatisfy((tag) -> assertThat(tag).startsWith("id="));
				assertThat(Metrics.globalRegistry.find("reactor.netty.connection.provider.total.connections")
					.tag("name", "sentinel-up")
					.meters()).isEmpty();
			});
	}

	@Test
	void poolMetersAreRegisteredOnceWithTheGlobalRegistryOn() {
		this.server.enqueue(new MockResponse.Builder().body("ok").build());
		this.contextRunner.run((context) -> {
			assertThat(get(context, "up").block(TIMEOUT)).isEqualTo("ok");
			assertThat(context.getBean(MeterRegistry.class)
				.find("reactor.netty.connection.provider.total.connections")
				.tag("name", "sentinel-up")
				.meters()).hasSize(1);
		});
	}

	private static Mono<String> get(ApplicationContext context, String client) {
		return context.getBean(SentinelClients.class)
			.get(client)
			.webClient()
			.get()
			.uri("/")
			.retrieve()
			.bodyToMono(String.class);
	}

	private static double retries(MeterRegistry registry, String client, String reason) {
		return registry.get("sentinel.client.retries")
			.tag("client", client)
			.tag("reason", reason)
			.functionCounter()
			.count();
	}

	private static double counter(MeterRegistry registry, String name, String client) {
		return registry.get(name).tag("client", client).functionCounter().count();
	}

	private static double pool(MeterRegistry registry, String kind) {
		return registry.get("reactor.netty.connection.provider." + kind + ".connections")
			.tag("name", "sentinel-up")
			.gauge()
			.value();
	}

	private static String closedPortUrl() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return "http://127.0.0.1:" + socket.getLocalPort();
		}
	}

}
