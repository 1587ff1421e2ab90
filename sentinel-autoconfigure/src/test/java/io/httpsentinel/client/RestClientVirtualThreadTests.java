package io.httpsentinel.client;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import reactor.core.publisher.Mono;

import org.springframework.web.client.ResourceAccessException;

import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client's {@code RestClient} called from virtual threads: many blocked calls share a
 * small pool, and interrupting a waiting thread cancels its exchange. Runs on Java 21+
 * (see the {@code virtual-threads} profile).
 */
@Tag("virtual-threads")
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need Java 21+")
class RestClientVirtualThreadTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final LoopbackServer server = LoopbackServer.start((routes) -> routes
		.get("/slow/{n}",
				(request, response) -> response
					.sendString(Mono.just(request.param("n")).delayElement(Duration.ofMillis(100))))
		.get("/silent", (request, response) -> response.sendString(Mono.never())));

	private final TestClients clients = new TestClients();

	private final ExecutorService virtualThreads = newVirtualThreadPerTaskExecutor();

	@AfterEach
	void stop() {
		this.virtualThreads.shutdownNow();
		this.clients.close();
		this.server.close();
	}

	@Test
	void manyVirtualThreadsWaitOnASmallPoolAndAllGetTheirAnswer() throws Exception {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withPool(settings.pool().withMaxConnections(8)));
		List<Future<String>> calls = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			String n = Integer.toString(i);
			calls.add(this.virtualThreads
				.submit(() -> client.restClient().get().uri("/slow/{n}", n).retrieve().body(String.class)));
		}
		for (int i = 0; i < calls.size(); i++) {
			assertThat(calls.get(i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Integer.toString(i));
		}
		assertThat(this.server.acceptedConnections()).isLessThanOrEqualTo(8);
	}

	@Test
	void interruptingAWaitingThreadCancelsItsExchange() throws Exception {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		AtomicReference<Thread> caller = new AtomicReference<>();
		Future<Throwable> call = this.virtualThreads.submit(() -> {
			caller.set(Thread.currentThread());
			try {
				client.restClient().get().uri("/silent").retrieve().body(String.class);
				return null;
			}
			catch (RuntimeException ex) {
				return ex;
			}
		});
		await().atMost(TIMEOUT).until(() -> this.server.acceptedConnections() == 1 && caller.get() != null);
		caller.get().interrupt();
		assertThat(call.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ResourceAccessException.class)
			.hasCauseInstanceOf(InterruptedIOException.class);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.server.closedConnections()).isEqualTo(1));
	}

	/** Compiled for Java 17: reached by reflection. */
	private static ExecutorService newVirtualThreadPerTaskExecutor() {
		try {
			return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("virtual threads need Java 21+", ex);
		}
	}

}
