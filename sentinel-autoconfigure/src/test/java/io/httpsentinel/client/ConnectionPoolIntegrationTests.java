package io.httpsentinel.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import io.httpsentinel.client.pool.PoolAcquireTimeoutException;
import io.httpsentinel.client.pool.PoolPendingLimitException;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connection pool against a real loopback server that counts connections.
 */
class ConnectionPoolIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final Sinks.Empty<Void> release = Sinks.empty();

	private final AtomicInteger served = new AtomicInteger();

	private final LoopbackServer server = LoopbackServer.start((routes) -> routes.get("/hello", (request, response) -> {
		this.served.incrementAndGet();
		return response.sendString(Mono.just("hello"));
	})
		.get("/held",
				(request, response) -> response
					.sendString(this.release.asMono().then(Mono.fromSupplier(() -> "released"))))
		.get("/slow",
				(request, response) -> response.sendString(Mono.delay(Duration.ofMillis(500)).map((tick) -> "slow"))));

	private final TestClients clients = new TestClients();

	@AfterEach
	void stop() {
		this.release.tryEmitEmpty();
		this.clients.close();
		this.server.close();
	}

	@Test
	void sequentialRequestsReuseOneConnection() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		for (int i = 0; i < 50; i++) {
			assertThat(get(client, "/hello").block(TIMEOUT)).isEqualTo("hello");
			// The body can reach the caller a moment before the connection is back in the
			// pool.
			await().atMost(TIMEOUT).until(() -> client.pool().active() == 0);
		}
		assertThat(this.served).hasValue(50);
		assertThat(this.server.acceptedConnections()).isEqualTo(1);
		assertThat(client.pool()).satisfies((pool) -> {
			assertThat(pool.active()).isZero();
			assertThat(pool.idle()).isEqualTo(1);
		});
	}

	@Test
	void maxConnectionsIsEnforcedAndQueuedRequestsComplete() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings
			.withPool(settings.pool().withMaxConnections(2).withPendingAcquire(10, Duration.ofMinutes(1))));
		List<String> results = new java.util.concurrent.CopyOnWriteArrayList<>();
		Flux.range(0, 6).flatMap((i) -> get(client, "/slow"), 6).subscribe(results::add);
		// While the first two take their time, the other four wait for a connection.
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(client.pool().active()).isEqualTo(2);
			assertThat(client.pool().pending()).isEqualTo(4);
		});
		await().atMost(TIMEOUT.multipliedBy(3))
			.untilAsserted(() -> assertThat(results)
				.as(() -> "pool " + client.pool() + ", server accepted " + this.server.acceptedConnections())
				.hasSize(6)
				.containsOnly("slow"));
		assertThat(this.server.acceptedConnections()).isEqualTo(2);
	}

	@Test
	void pendingAcquireTimeoutFailsWithTypedError() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings
			.withPool(settings.pool().withMaxConnections(1).withPendingAcquire(10, Duration.ofMillis(200))));
		get(client, "/held").subscribe(null, (error) -> {
		});
		await().atMost(TIMEOUT).until(() -> client.pool().active() == 1);
		StepVerifier.create(get(client, "/hello"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(PoolAcquireTimeoutException.class)
				.hasMessageContaining("'upstream'")
				.hasMessageContaining("pending-acquire-timeout"))
			.verify(TIMEOUT);
		assertThat(this.served).hasValue(0);
	}

	@Test
	void pendingAcquireMaxCountRejectsAtOnce() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings
			.withPool(settings.pool().withMaxConnections(1).withPendingAcquire(1, Duration.ofSeconds(30))));
		get(client, "/held").subscribe(null, (error) -> {
		});
		get(client, "/held").subscribe(null, (error) -> {
		});
		await().atMost(TIMEOUT).until(() -> client.pool().pending() == 1);
		StepVerifier.create(get(client, "/hello"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(PoolPendingLimitException.class)
				.hasMessageContaining("'upstream'")
				.hasMessageContaining("pending-acquire-max-count = 1"))
			.verify(TIMEOUT);
	}

	@Test
	void idleConnectionIsEvictedAfterMaxIdleTime() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings.withPool(
				settings.pool().withMaxIdleTime(Duration.ofMillis(300)).withEvictInBackground(Duration.ofMillis(100))));
		assertThat(get(client, "/hello").block(TIMEOUT)).isEqualTo("hello");
		assertThat(this.server.openConnections()).isEqualTo(1);
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(this.server.closedConnections()).isEqualTo(1);
			assertThat(client.pool().total()).isZero();
		});
		assertThat(get(client, "/hello").block(TIMEOUT)).isEqualTo("hello");
		assertThat(this.server.acceptedConnections()).isEqualTo(2);
	}

	@Test
	void oneClientIsSafeToShareAcrossThreads() throws Exception {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		int threads = 32;
		int requestsPerThread = 200;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Callable<Integer>> workers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				workers.add(() -> {
					int ok = 0;
					for (int i = 0; i < requestsPerThread; i++) {
						if ("hello".equals(get(client, "/hello").block(TIMEOUT))) {
							ok++;
						}
					}
					return ok;
				});
			}
			int succeeded = 0;
			for (Future<Integer> result : executor.invokeAll(workers, 5, TimeUnit.MINUTES)) {
				succeeded += result.get();
			}
			assertThat(succeeded).isEqualTo(threads * requestsPerThread);
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.served).hasValue(threads * requestsPerThread);
		// A caller may get its body a moment before its connection is back in the pool,
		// so each thread holds at most two connections; one per request would be 6,400.
		assertThat(this.server.acceptedConnections()).isLessThanOrEqualTo(2 * threads);
		assertThat(this.server.closedConnections()).isZero();
		// For the same reason the last connections return a moment after the last body.
		await().atMost(TIMEOUT).until(() -> client.pool().active() == 0);
	}

	private static Mono<String> get(SentinelClient client, String path) {
		return client.webClient().get().uri(path).retrieve().bodyToMono(String.class);
	}

}
