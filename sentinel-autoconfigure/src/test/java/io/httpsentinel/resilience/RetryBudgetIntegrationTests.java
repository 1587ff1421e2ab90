package io.httpsentinel.resilience;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.testsupport.ClientKind;
import io.httpsentinel.testsupport.ErrorStatus;
import io.httpsentinel.testsupport.LoopbackServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The retry budget holding a burst of failing calls against a real loopback server that
 * holds every request until the test lets the current wave answer 503; once through each
 * {@link ClientKind}, each call on a thread of its own.
 */
class RetryBudgetIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final int CALLS = 100;

	private final AtomicReference<Sinks.Empty<Void>> gate = new AtomicReference<>(Sinks.empty());

	private final AtomicInteger received = new AtomicInteger();

	private final LoopbackServer server = LoopbackServer.start((routes) -> routes.get("/", (request, response) -> {
		this.received.incrementAndGet();
		return this.gate.get().asMono().then(response.status(503).sendString(Mono.just("busy")).then());
	}));

	private final ResilientClients clients = new ResilientClients(Clock.systemUTC());

	private final ExecutorService callers = Executors.newFixedThreadPool(CALLS);

	@AfterEach
	void stop() throws InterruptedException {
		this.gate.get().tryEmitEmpty();
		this.callers.shutdown();
		assertThat(this.callers.awaitTermination(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		this.clients.close();
		this.server.close();
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void budgetHoldsAHundredFailingCallsToAFifthOfTheirNumberInRetries(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings
					.withRetry(RetrySettings.INHERIT.withMaxRetries(2)
						.withBackoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0.0))
					.withCircuitBreaker(CircuitBreakerSettings.INHERIT.withEnabled(false)));
		PipelineStatistics statistics = client.pipelineStatistics();
		AtomicInteger failed = new AtomicInteger();
		AtomicInteger completed = new AtomicInteger();
		for (int i = 0; i < CALLS; i++) {
			this.callers.execute(() -> {
				try {
					kind.get(client, "/");
				}
				catch (ErrorStatus ex) {
					if (ex.status() == 503) {
						failed.incrementAndGet();
					}
				}
				finally {
					completed.incrementAndGet();
				}
			});
		}
		await().atMost(TIMEOUT).until(() -> this.received.get() == CALLS);

		// Wave 1: all 100 fail at once; 20% of 100 calls in flight may retry.
		openGate();
		await().atMost(TIMEOUT)
			.until(() -> statistics.requestsInFlight() == statistics.retriesInFlight()
					&& this.received.get() == CALLS + statistics.retriesInFlight());
		int firstWaveRetries = this.received.get() - CALLS;
		assertThat(firstWaveRetries).isEqualTo(20);
		assertThat(statistics.retryBudgetExhausted()).isEqualTo(80);

		// Wave 2: the 20 retries fail; 20% of the 20 calls still in flight may retry.
		openGate();
		await().atMost(TIMEOUT)
			.until(() -> statistics.requestsInFlight() == statistics.retriesInFlight()
					&& this.received.get() == CALLS + firstWaveRetries + statistics.retriesInFlight());
		int secondWaveRetries = this.received.get() - CALLS - firstWaveRetries;
		// At most 20% of the 20 calls still in flight; fewer when some gave up first.
		assertThat(secondWaveRetries).isBetween(1, 4);

		openGate();
		await().atMost(TIMEOUT).until(() -> completed.get() == CALLS);
		assertThat(failed).hasValue(CALLS);
		assertThat(statistics.requestsInFlight()).isZero();
		// At most 124 attempts for 100 calls, where retrying without a budget sends 300.
		assertThat(this.received.get()).isEqualTo(CALLS + firstWaveRetries + secondWaveRetries);
		assertThat(statistics.retriesInFlight()).isZero();
	}

	private void openGate() {
		Sinks.Empty<Void> current = this.gate.getAndSet(Sinks.empty());
		current.tryEmitEmpty();
	}

}
