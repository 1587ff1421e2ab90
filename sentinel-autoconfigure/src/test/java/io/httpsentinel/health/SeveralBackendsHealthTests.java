package io.httpsentinel.health;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.HealthSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.health.ClientState.BackendState;
import io.httpsentinel.resilience.BackendEndpoint;
import io.httpsentinel.resilience.BackendSettings;
import io.httpsentinel.resilience.BackendSource;
import io.httpsentinel.resilience.CircuitBreakerSettings;
import io.httpsentinel.resilience.NoBackendAvailableException;
import io.httpsentinel.resilience.OutlierDetectionSettings;
import io.httpsentinel.resilience.ResilienceSupport;
import io.httpsentinel.resilience.RetrySettings;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.MutableClock;
import io.httpsentinel.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The health of a client with several backends, driven by real traffic against loopback
 * servers: one healthy, one answering with the status the test sets. The engine's clock
 * is moved by hand.
 */
class SeveralBackendsHealthTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

	private final AtomicInteger flakyStatus = new AtomicInteger(200);

	private final LoopbackServer healthy = LoopbackServer
		.start((routes) -> routes.get("/", (request, response) -> response.sendString(Mono.just("fine"))));

	private final LoopbackServer flaky = LoopbackServer.start((routes) -> routes.get("/",
			(request, response) -> response.status(this.flakyStatus.get()).header("Retry-After", "3600").send()));

	private final MutableClock clock = new MutableClock(START);

	private final TestClients clients = new TestClients();

	@AfterEach
	void stop() {
		this.clients.close();
		this.healthy.close();
		this.flaky.close();
	}

	@Test
	void detailsNameTheSourceInsteadOfAHostAndListEachBackend() {
		SentinelClient client = create();
		for (int i = 0; i < 4; i++) {
			call(client);
		}
		Health health = new SentinelHealthIndicator(client).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsOnlyKeys("source", "circuitBreaker", "pool", "backends")
			.containsEntry("source", "endpoints");
		assertThat(backends(health)).containsExactly(new BackendState(address(this.healthy), "UP", null, 1, 0, 2, 0, 0),
				new BackendState(address(this.flaky), "UP", null, 1, 0, 2, 0, 0));
	}

	@Test
	void aFailingBackendIsEjectedUntilItsTimeWhileTheClientStaysUp() {
		SentinelClient client = create();
		this.flakyStatus.set(500);
		// Round robin: two calls reach the failing backend, the second ejects it.
		for (int i = 0; i < 4; i++) {
			callIgnoringTheOutcome(client);
		}
		Health health = new SentinelHealthIndicator(client).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(backends(health)).element(1)
			.isEqualTo(new BackendState(address(this.flaky), "EJECTED", START.plusSeconds(30), 1, 0, 2, 2, 1));

		this.clock.advance(Duration.ofSeconds(30));
		assertThat(backends(new SentinelHealthIndicator(client).health())).element(1)
			.extracting(BackendState::state, BackendState::until)
			.containsExactly("UP", null);
	}

	@Test
	void aBackendAskingForALongPauseIsPausedWhileTheClientStaysUp() {
		SentinelClient client = create();
		this.flakyStatus.set(429);
		callIgnoringTheOutcome(client);
		callIgnoringTheOutcome(client);
		Health health = new SentinelHealthIndicator(client).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).doesNotContainKey("pausedUntil");
		assertThat(backends(health)).extracting(BackendState::state, BackendState::until)
			.containsExactly(tuple("UP", null), tuple("PAUSED", START.plusSeconds(3600)));
	}

	@Test
	void aServiceWithoutInstancesFailsEveryCallAtOnceAndReportsLikeAnOpenBreaker() {
		SentinelClient client = createWithoutInstances(UnaryOperator.identity());
		StepVerifier.create(client.webClient().get().uri("/").retrieve().bodyToMono(String.class))
			.expectError(NoBackendAvailableException.class)
			.verify(TIMEOUT);
		Health health = new SentinelHealthIndicator(client).health();
		assertThat(health.getStatus()).isEqualTo(SentinelHealthIndicator.CIRCUIT_OPEN);
		assertThat(health.getDetails()).containsEntry("source", "lb://nothing")
			.containsEntry("circuitBreaker", "CLOSED")
			.containsEntry("backends", List.of());
	}

	@Test
	void aServiceWithoutInstancesIsDownWhenTheClientSaysSo() {
		SentinelClient client = createWithoutInstances((settings) -> settings.withHealth(new HealthSettings(true)));
		assertThat(new SentinelHealthIndicator(client).health().getStatus()).isEqualTo(Status.DOWN);
	}

	private SentinelClient create() {
		ResilienceSupport support = ResilienceSupport.standalone(this.clock, Schedulers::parallel, List.of());
		BackendSettings backends = new BackendSettings(
				List.of(BackendEndpoint.of(this.healthy.baseUrl()), BackendEndpoint.of(this.flaky.baseUrl())),
				new OutlierDetectionSettings(true, 2, 2, Duration.ofSeconds(30), Duration.ofMinutes(5), 50), null);
		return this.clients.create(new SentinelClientFactory(WebClient::builder, null, List.of(), support),
				this.healthy.baseUrl(),
				(settings) -> oneAttemptNoBreaker(settings.withBaseUrl(null).withBackends(backends)));
	}

	private SentinelClient createWithoutInstances(UnaryOperator<ClientSettings> more) {
		BackendSource none = new BackendSource() {

			@Override
			public Flux<List<BackendEndpoint>> endpoints() {
				return Flux.just(List.of());
			}

			@Override
			public String description() {
				return "lb://nothing";
			}

		};
		ResilienceSupport support = ResilienceSupport.standalone(this.clock, Schedulers::parallel, List.of())
			.withBackendDiscovery((clientName, serviceId) -> none);
		return this.clients.create(new SentinelClientFactory(WebClient::builder, null, List.of(), support),
				URI.create("lb://nothing"), more);
	}

	/**
	 * No retries, so that each call is one attempt; no breaker, so that it never opens.
	 */
	private static ClientSettings oneAttemptNoBreaker(ClientSettings settings) {
		return settings.withRetry(RetrySettings.INHERIT.withMaxRetries(0))
			.withCircuitBreaker(CircuitBreakerSettings.INHERIT.withEnabled(false));
	}

	private static void call(SentinelClient client) {
		client.webClient().get().uri("/").retrieve().toBodilessEntity().block(TIMEOUT);
	}

	private static void callIgnoringTheOutcome(SentinelClient client) {
		client.webClient().get().uri("/").retrieve().toBodilessEntity().onErrorComplete().block(TIMEOUT);
	}

	@SuppressWarnings("unchecked")
	private static List<BackendState> backends(Health health) {
		Map<String, Object> details = health.getDetails();
		return (List<BackendState>) details.get("backends");
	}

	private static String address(LoopbackServer server) {
		return "http://127.0.0.1:" + server.baseUrl().getPort();
	}

}
