package io.httpsentinel.sse.proxy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * not. Tomcat's own write timeout is set far longer, so that only the proxy can end the
 * write in time.
 */
class SseProxyMvcSlowClientTests {

	private static final String EVENT = "data: " + "x".repeat(1017) + "\n\n";

	private final Writers writers = new Writers();

	private ProxyApp app;

	private Socket client;

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
		start("sentinel.clients.up.sse.buffer-size=256MB");
		assertReleasedAfterStall();
	}

	@Test
	void aClientDroppedBecauseItsBufferStayedFullHasItsBlockedWriteEnded() throws Exception {
		start("sentinel.clients.up.sse.buffer-size=64KB");
		assertReleasedAfterStall();
	}

	private void start(String bufferSize) {
		this.app = ProxyApp.builder()
			.servlet()
			.properties(bufferSize, "sentinel.clients.up.sse.slow-client-timeout=1s",
					"server.tomcat.connection-timeout=5m")
			.bean("sseProxy", SseProxy.builder().executor(this.writers).build())
			.start();
		this.app.upstream(eventStream(Flux.concat(Flux.range(0, 16 * 1024).map((i) -> EVENT), Flux.never())));
	}

	private void assertReleasedAfterStall() throws Exception {
		URI url = URI.create(this.app.url().toString().replace("/mvc-proxy", "/proxy"));
		this.client = new Socket();
		this.client.setReceiveBufferSize(4096);
		this.client.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5000);
		OutputStream out = this.client.getOutputStream();
		out.write(("GET " + url.getPath() + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = this.client.getInputStream();
		byte[] head = in.readNBytes(12);
		assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
		// The client reads nothing more: the writes block once the socket buffers are
		// full.
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> this.app.upstream.closedConnections() == 1 && this.writers.running.get() == 0
					&& this.app.proxy().activeStreams() == 0);
		// A write was blocked for about the timeout, and no longer than Tomcat allowed.
		assertThat(Duration.ofNanos(this.writers.longest.get())).isBetween(Duration.ofMillis(500),
				Duration.ofSeconds(10));
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
