package io.httpsentinel.resilience;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.testsupport.LoopbackServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The retry budget holding a burst of failing calls against a real loopback server that
 * holds every request until the test lets the current wave answer 503.
 */
class RetryBudgetIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final AtomicReference<Sinks.Empty<Void>> gate = new AtomicReference<>(Sinks.empty());

	private final AtomicInteger received = new AtomicInteger();

	private final LoopbackServer server = LoopbackServer.start((routes) -> routes.get("/", (request, response) -> {
		this.received.incrementAndGet();
		return this.gate.get().asMono().then(response.status(503).sendString(Mono.just("busy")).then());
	}));

	private final ResilientClients clients = new ResilientClients(Clock.systemUTC());

	@AfterEach
	void stop() {
		this.gate.get().tryEmitEmpty();
		this.clients.close();
		this.server.close();
	}

	@Test
	void budgetHoldsAHundredFailingCallsToAFifthOfTheirNumberInRetries() {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings
					.withRetry(RetrySettings.INHERIT.withMaxRetries(2)
						.withBackoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0.0))
					.withCircuitBreaker(CircuitBreakerSettings.INHERIT.withEnabled(false)));
		PipelineStatistics statistics = client.pipelineStatistics();
		AtomicInteger failed = new AtomicInteger();
		Flux.range(0, 100)
			.flatMap((i) -> client.webClient()
				.get()
				.uri("/")
				.retrieve()
				.bodyToMono(String.class)
				.onErrorResume((error) -> Mono.fromRunnable(failed::incrementAndGet)), 100)
			.subscribe();
		await().atMost(TIMEOUT).until(() -> this.received.get() == 100);

		// Wave 1: all 100 fail at once; 20% of 100 calls in flight may retry.
		openGate();
		await().atMost(TIMEOUT)
			.until(() -> statistics.requestsInFlight() == statistics.retriesInFlight()
					&& this.received.get() == 100 + statistics.retriesInFlight());
		int firstWaveRetries = this.received.get() - 100;
		assertThat(firstWaveRetries).isEqualTo(20);
		assertThat(statistics.retryBudgetExhausted()).isEqualTo(80);

		// Wave 2: the 20 retries fail; 20% of the 20 calls still in flight may retry.
		openGate();
		await().atMost(TIMEOUT)
			.until(() -> statistics.requestsInFlight() == statistics.retriesInFlight()
					&& this.received.get() == 100 + firstWaveRetries + statistics.retriesInFlight());
		int secondWaveRetries = this.received.get() - 100 - firstWaveRetries;
		// At most 20% of the 20 calls still in flight; fewer when some gave up first.
		assertThat(secondWaveRetries).isBetween(1, 4);

		openGate();
		await().atMost(TIMEOUT).until(() -> statistics.requestsInFlight() == 0);
		// At most 124 attempts for 100 calls, where retrying without a budget sends 300.
		assertThat(this.received.get()).isEqualTo(100 + firstWaveRetries + secondWaveRetries);
		assertThat(failed).hasValue(100);
		assertThat(statistics.retriesInFlight()).isZero();
	}

	private void openGate() {
		Sinks.Empty<Void> current = this.gate.getAndSet(Sinks.empty());
		current.tryEmitEmpty();
	}

}
