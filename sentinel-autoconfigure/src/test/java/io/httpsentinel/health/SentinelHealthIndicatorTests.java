package io.httpsentinel.health;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.HealthSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.client.pool.PoolSettings;
import io.httpsentinel.health.ClientState.PoolState;
import io.httpsentinel.resilience.ResilientClients;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The health of a client driven by real traffic against a loopback server; the breaker's
 * clock is moved by hand.
 */
class SentinelHealthIndicatorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final AtomicInteger status = new AtomicInteger(500);

	private final AtomicInteger served = new AtomicInteger();

	private final LoopbackServer server = LoopbackServer.start((routes) -> routes.get("/", (request, response) -> {
		this.served.incrementAndGet();
		return response.status(this.status.get()).sendString(Mono.just("status " + this.status.get()));
	}).get("/pause", (request, response) -> response.status(429).header("Retry-After", "3600").send()));

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final ResilientClients clients = new ResilientClients(this.clock);

	@AfterEach
	void stop() {
		this.clients.close();
		this.server.close();
	}

	@Test
	void healthFollowsTheBreakerThroughOpenHalfOpenAndClosed() {
		SentinelClient client = create(UnaryOperator.identity());
		HealthIndicator health = new SentinelHealthIndicator(client);
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		failFourTimes(client);
		Health open = health.health();
		assertThat(open.getStatus()).isEqualTo(SentinelHealthIndicator.CIRCUIT_OPEN);
		assertThat(open.getDetails()).containsEntry("circuitBreaker", "OPEN").containsEntry("failureRate", 100f);

		this.clock.advance(Duration.ofSeconds(31));
		this.status.set(200);
		call(client);
		// Half-open: only probes pass, every other call is still rejected.
		assertThat(health.health().getStatus()).isEqualTo(SentinelHealthIndicator.CIRCUIT_OPEN);
		assertThat(health.health().getDetails()).containsEntry("circuitBreaker", "HALF_OPEN");
		call(client);
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		assertThat(health.health().getDetails()).containsEntry("circuitBreaker", "CLOSED");
	}

	@Test
	void openCircuitIsDownWhenTheClientSaysSo() {
		SentinelClient client = create((settings) -> settings.withHealth(new HealthSettings(true)));
		failFourTimes(client);
		assertThat(new SentinelHealthIndicator(client).health().getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void healthNeverCallsTheUpstream() {
		SentinelClient client = create(UnaryOperator.identity());
		for (int i = 0; i < 3; i++) {
			new SentinelHealthIndicator(client).health();
		}
		assertThat(this.served).hasValue(0);
	}

	@Test
	void detailsShowHostPoolAndBreakerButNoFailureRateBeforeEnoughCalls() {
		this.status.set(200);
		SentinelClient client = create(UnaryOperator.identity());
		call(client);
		// The connection goes back to the pool just after the response completed.
		await().atMost(TIMEOUT).until(() -> client.pool().idle() == 1);
		Map<String, Object> details = new SentinelHealthIndicator(client).health().getDetails();
		assertThat(details).containsOnlyKeys("host", "circuitBreaker", "pool")
			.containsEntry("host", "127.0.0.1:" + this.server.baseUrl().getPort())
			.containsEntry("circuitBreaker", "CLOSED")
			.containsEntry("pool", new PoolState(0, 1, 0, 1, 7));
	}

	@Test
	void hostPauseShowsInTheDetailsWithoutChangingTheStatus() {
		SentinelClient client = create(UnaryOperator.identity());
		client.webClient().get().uri("/pause").retrieve().toBodilessEntity().onErrorComplete().block(TIMEOUT);
		Health health = new SentinelHealthIndicator(client).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("pausedUntil", "2026-01-01T01:00:00Z");
	}

	@Test
	void clientWithoutBreakerIsUp() {
		SentinelClient client = create(
				(settings) -> settings.withCircuitBreaker(settings.circuitBreaker().withEnabled(false)));
		failFourTimes(client);
		Health health = new SentinelHealthIndicator(client).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("circuitBreaker", CircuitBreaker.State.DISABLED.name());
	}

	@Test
	void compositeHasOneComponentPerClient() {
		SentinelClient one = create(UnaryOperator.identity());
		CompositeHealthContributor composite = SentinelHealthIndicator.composite(new SentinelClients(List.of(one)));
		assertThat(composite.getContributor("upstream")).isInstanceOf(SentinelHealthIndicator.class);
		assertThat(composite.stream().map((entry) -> entry.name())).containsExactly(one.name());
	}

	private SentinelClient create(UnaryOperator<ClientSettings> customizer) {
		return this.clients.create(this.server.baseUrl(), (settings) -> customizer
			.apply(ResilientClients.smallBreaker(settings).withPool(PoolSettings.INHERIT.withMaxConnections(7))));
	}

	private void failFourTimes(SentinelClient client) {
		for (int i = 0; i < 4; i++) {
			call(client);
		}
	}

	private static void call(SentinelClient client) {
		client.webClient().get().retrieve().toBodilessEntity().onErrorComplete().block(TIMEOUT);
	}

}
