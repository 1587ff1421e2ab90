package io.httpsentinel.resilience;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import reactor.core.scheduler.Schedulers;

import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.client.pool.TimeoutSettings;
import io.httpsentinel.testsupport.TestClients;

/**
 * Creates clients with the full pipeline for a test, records every attempt, and closes
 * the clients at the end.
 */
public final class ResilientClients implements AutoCloseable {

	final List<AttemptEvent> attempts = new CopyOnWriteArrayList<>();

	private final TestClients clients = new TestClients();

	private final Clock clock;

	public ResilientClients(Clock clock) {
		this.clock = clock;
	}

	public SentinelClient create(URI baseUrl, UnaryOperator<ClientSettings> settings) {
		ResilienceSupport support = ResilienceSupport.standalone(this.clock, Schedulers::parallel,
				List.of(this.attempts::add));
		SentinelClientFactory factory = new SentinelClientFactory(WebClient::builder, null, List.of(), support);
		return this.clients.create(factory, baseUrl, settings);
	}

	/**
	 * A breaker that opens after 4 calls with half of them failed, stays open 30s and
	 * closes after 2 successful probes; no retries, so each call is one attempt.
	 * @param settings the settings to add the breaker to
	 * @return the settings
	 */
	public static ClientSettings smallBreaker(ClientSettings settings) {
		return settings.withRetry(RetrySettings.INHERIT.withMaxRetries(0))
			.withTimeouts(TimeoutSettings.INHERIT.withResponseHeaders(Duration.ofSeconds(5)))
			.withCircuitBreaker(CircuitBreakerSettings.INHERIT.withThreshold(50f, 4)
				.withWaitInOpen(Duration.ofSeconds(30), 1.0, Duration.ofSeconds(30))
				.withHalfOpenCalls(2));
	}

	List<String> reasons() {
		return this.attempts.stream().map((event) -> event.decision().reason()).toList();
	}

	@Override
	public void close() {
		this.clients.close();
	}

}
