package io.httpsentinel.sse.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring MVC client that stops reading: its blocked write holds the writer's thread no
 * longer than {@code sse.slow-client-timeout}, whether the stream's buffer fills up or
 * not ({@link SseProxyMvcVirtualThreadTests} for virtual threads). Tomcat's own write
 * timeout is set far longer, so that only the proxy can end the write in time.
 */
class SseProxyMvcSlowClientTests {

	private static final String EVENT = "data: " + "x".repeat(1017) + "\n\n";

	private final Writers writers = new Writers();

	private ProxyApp app;

	private SlowReader client;

	@AfterEach
	void stop() throws Exception {
		if (this.client != null) {
			this.client.close();
		}
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void aBlockedWriteIsEndedAfterTheSlowClientTimeoutEvenWhileTheBufferHasRoom() throws Exception {
		// 16MB fill the socket buffers, far from the stream's buffer size.
		this.app = start(ProxyApp.builder().bean("sseProxy", SseProxy.builder().executor(this.writers).build()),
				"sentinel.clients.up.sse.buffer-size=256MB");
		stopReading();
		awaitReleased(() -> this.writers.running.get() == 0);
		// A write was blocked for about the timeout, and no longer than Tomcat allowed.
		assertThat(Duration.ofNanos(this.writers.longest.get())).isBetween(Duration.ofMillis(500),
				Duration.ofSeconds(10));
	}

	@Test
	void aClientDroppedBecauseItsBufferStayedFullHasItsBlockedWriteEnded() throws Exception {
		this.app = start(ProxyApp.builder().bean("sseProxy", SseProxy.builder().executor(this.writers).build()),
				"sentinel.clients.up.sse.buffer-size=64KB");
		stopReading();
		awaitReleased(() -> this.writers.running.get() == 0);
		assertThat(Duration.ofNanos(this.writers.longest.get())).isBetween(Duration.ofMillis(500),
				Duration.ofSeconds(10));
	}

	static ProxyApp start(ProxyApp.Builder builder, String... properties) {
		ProxyApp app = builder.servlet()
			.properties(properties)
			.properties("sentinel.clients.up.sse.slow-client-timeout=1s", "server.tomcat.connection-timeout=5m")
			.start();
		app.upstream(eventStream(Flux.concat(Flux.range(0, 16 * 1024).map((i) -> EVENT), Flux.never())));
		return app;
	}

	private void stopReading() throws Exception {
		this.client = SlowReader.open(URI.create(this.app.url().toString().replace("/mvc-proxy", "/proxy")));
	}

	/** The writes block once the socket buffers are full; the stream must end anyway. */
	private void awaitReleased(Callable<Boolean> writersIdle) {
		awaitReleased(this.app, writersIdle);
	}

	static void awaitReleased(ProxyApp app, Callable<Boolean> writersIdle) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> app.upstream.closedConnections() == 1 && writersIdle.call()
					&& app.proxy().activeStreams() == 0);
	}

	/**
	 * The proxy's executor, on Reactor's bounded elastic threads, telling how many tasks
	 * run and the longest one.
	 */
	static final class Writers implements Executor {

		final AtomicInteger running = new AtomicInteger();

		final AtomicLong longest = new AtomicLong();

		@Override
		public void execute(Runnable task) {
			Schedulers.boundedElastic().schedule(() -> {
				this.running.incrementAndGet();
				long start = System.nanoTime();
				try {
					task.run();
				}
				finally {
					this.longest.accumulateAndGet(System.nanoTime() - start, Math::max);
					this.running.decrementAndGet();
				}
			});
		}

	}

}
