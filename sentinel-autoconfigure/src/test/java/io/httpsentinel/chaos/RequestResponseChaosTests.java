package io.httpsentinel.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.pool.SslSettings;
import io.httpsentinel.client.pool.TimeoutSettings;
import io.httpsentinel.resilience.PipelineStatistics;
import io.httpsentinel.resilience.RetrySettings;
import io.httpsentinel.resilience.RetrySettings.RetryBudgetSettings;
import io.httpsentinel.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many calls through one client while {@link FaultInjectingProxy} breaks 10% of them in
 * every way it knows: idempotent calls succeed (after retries) at the target rate, every
 * failure is typed, no call outlives the total timeout, no connection and no buffer
 * leaks, and no POST reaches the upstream twice.
 */
class RequestResponseChaosTests {

	/** Calls of a run: GETs of JSON, and one POST in 20. */
	static final int CALLS = ChaosScale.of(10_000, 100_000);

	/** Calls before the faults start: the JVM, TLS and the pool warm up. */
	static final int WARM_UP = 500;

	/** Calls in flight at any time. */
	static final int IN_FLIGHT = 48;

	/** Faults per request (and per new connection, for connection faults). */
	static final double FAULT_RATE = 0.10;

	static final Duration TOTAL = Duration.ofSeconds(10);

	/** What a call may take beyond the total timeout: scheduling on a busy machine. */
	static final Duration SLACK = Duration.ofSeconds(2);

	private final List<AutoCloseable> started = new ArrayList<>();

	@AfterEach
	void stop() throws Exception {
		for (int i = this.started.size() - 1; i >= 0; i--) {
			this.started.get(i).close();
		}
	}

	/**
	 * Settings as a user would write them for an unreliable API: short timeouts for each
	 * phase, a total bound, more retries with a short backoff, and no retry budget beyond
	 * {@code max-retries} (ratio 1.0): with one call in ten waiting 1-2 s for a
	 * {@code Retry-After} or a timeout while the others take milliseconds, most calls in
	 * flight are retries, and a budget of 50% refuses some (99.7% success at 10,000
	 * calls).
	 */
	static ClientSettings unreliableApi(ClientSettings settings) {
		return settings.withSsl(new SslSettings(null, true))
			.withTimeouts(TimeoutSettings.INHERIT.withConnect(Duration.ofSeconds(1))
				.withTlsHandshake(Duration.ofSeconds(3))
				.withResponseHeaders(Duration.ofSeconds(2))
				.withReadIdle(Duration.ofSeconds(2))
				.withTotal(TOTAL))
			.withRetry(RetrySettings.INHERIT.withMaxRetries(4)
				.withBackoff(Duration.ofMillis(50), 2.0, Duration.ofSeconds(1), 0.5)
				.withBudget(new RetryBudgetSettings(1.0, 10)));
	}

	/**
	 * A plan with every fault: the request faults share 10% of requests, the connection
	 * faults 10% of new connections.
	 */
	static FaultPlan everyFault() {
		List<Fault> requestFaults = new ArrayList<>();
		for (Fault fault : Fault.values()) {
			if (!fault.connectionLevel()) {
				requestFaults.add(fault);
			}
		}
		return FaultPlan.evenly(FAULT_RATE, requestFaults)
			.rate(Fault.REFUSED, FAULT_RATE / 2)
			.rate(Fault.TLS_HANDSHAKE_STALL, FAULT_RATE / 2);
	}

	@Test
	void idempotentCallsSucceedThroughTenPercentFaultsAndNothingLeaksOrArrivesTwice(@TempDir Path directory)
			throws Exception {
		NettyLeaks leaks = started(NettyLeaks.watch());
		ChaosUpstream upstream = started(new ChaosUpstream());
		FaultInjectingProxy proxy = started(
				FaultInjectingProxy.startTls(upstream.baseUrl(), FaultPlan.none(), directory));
		TestClients clients = started(new TestClients());
		SentinelClient client = clients.create(proxy.baseUrl(), RequestResponseChaosTests::unreliableApi);
		CallOutcomes warmUp = warmUp(client);
		proxy.plan().ratesOf(everyFault());
		CallOutcomes gets = new CallOutcomes();
		CallOutcomes posts = new CallOutcomes();
		long start = System.nanoTime();
		Flux.range(0, CALLS)
			.flatMap((i) -> (i % 20 == 7) ? post(client, i, posts) : get(client, gets), IN_FLIGHT)
			.blockLast(Duration.ofMinutes(30));
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		await().atMost(Duration.ofSeconds(10)).until(() -> client.pool().active() == 0);
		int poolActive = client.pool().active();
		PipelineStatistics pipeline = client.pipelineStatistics();
		String budget = "requests-in-flight=" + pipeline.requestsInFlight() + " retries-in-flight="
				+ pipeline.retriesInFlight() + " budget-exhausted=" + pipeline.retryBudgetExhausted();
		int duplicates = duplicates(upstream.orders());
		clients.close();
		proxy.close();
		upstream.close();
		List<String> leaked = leaks.reports();
		System.out.printf(
				"CHAOS request-response kind=web-client warm-up-failures=%s calls=%d in-flight=%d elapsed=%ds get-success=%.3f%% "
						+ "get-failures=%s post-success=%.2f%% post-failures=%s post-duplicates=%d longest=%dms (%s) "
						+ "pool-active=%d %s leaks=%d faults=%s%n",
				warmUp.failures(), CALLS, IN_FLIGHT, elapsed.toSeconds(), gets.successRate(), gets.failures(),
				posts.successRate(), posts.failures(), duplicates, gets.longest().toMillis(), gets.longestOutcome(),
				poolActive, budget, leaked.size(), proxy.plan().injected());
		assertThat(gets.successRate()).as("success rate of GETs, failures %s", gets.examples())
			.isGreaterThanOrEqualTo(ChaosScale.FULL ? 99.99 : 99.9);
		assertThat(gets.examples().values()).allSatisfy((error) -> assertThat(CallOutcomes.typed(error)).isTrue());
		assertThat(posts.examples().values()).allSatisfy((error) -> assertThat(CallOutcomes.typed(error)).isTrue());
		assertThat(gets.longest()).isLessThanOrEqualTo(TOTAL.plus(SLACK));
		assertThat(posts.longest()).isLessThanOrEqualTo(TOTAL.plus(SLACK));
		assertThat(duplicates).isZero();
		assertThat(poolActive).isZero();
		assertThat(pipeline.requestsInFlight()).isZero();
		assertThat(pipeline.retriesInFlight()).isZero();
		assertThat(leaked).isEmpty();
	}

	/**
	 * Calls without faults: one at a time first (the first call initializes TLS, codecs
	 * and the pool, and takes seconds on a busy machine), then as many in flight as the
	 * run has.
	 */
	static CallOutcomes warmUp(SentinelClient client) {
		CallOutcomes warmUp = new CallOutcomes();
		Flux.range(0, WARM_UP).flatMap((i) -> get(client, warmUp), 1).take(10).blockLast(Duration.ofMinutes(2));
		Flux.range(0, WARM_UP).flatMap((i) -> get(client, warmUp), IN_FLIGHT).blockLast(Duration.ofMinutes(2));
		return warmUp;
	}

	private static Mono<Void> get(SentinelClient client, CallOutcomes outcomes) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return client.webClient().get().uri("/json").retrieve().bodyToMono(Map.class).doOnNext((json) -> {
				if (!"Zürich".equals(json.get("city"))) {
					throw new IllegalStateException("Wrong body: " + json);
				}
			})
				.doOnSuccess((json) -> outcomes.succeeded(start))
				.doOnError((error) -> outcomes.failed(start, error))
				.onErrorComplete()
				.then();
		});
	}

	private static Mono<Void> post(SentinelClient client, int i, CallOutcomes outcomes) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return client.webClient()
				.post()
				.uri("/orders")
				.header(ChaosUpstream.REQUEST_ID, "order-" + i)
				.bodyValue("{\"n\":" + i + "}")
				.retrieve()
				.bodyToMono(Map.class)
				.doOnSuccess((json) -> outcomes.succeeded(start))
				.doOnError((error) -> outcomes.failed(start, error))
				.onErrorComplete()
				.then();
		});
	}

	private static int duplicates(Map<String, AtomicInteger> orders) {
		return (int) orders.values().stream().filter((count) -> count.get() > 1).count();
	}

	private <T extends AutoCloseable> T started(T resource) {
		this.started.add(resource);
		return resource;
	}

}
