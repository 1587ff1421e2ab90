package io.httpsentinel.sse.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heartbeats and the slow-client policy, with the proxy's timers on virtual time (the
 * network is real).
 */
class SseProxyTimingTests {

	private static final String HEARTBEAT = ": heartbeat\n\n";

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final CountDownLatch paused = new CountDownLatch(1);

	private ProxyApp app;

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
		this.time.dispose();
	}

	@Test
	void aHeartbeatFollowsEachPeriodOfUpstreamSilence() throws Exception {
		start();
		Sinks.Many<String> events = Sinks.many().unicast().onBackpressureBuffer();
		this.app.upstream(eventStream(events.asFlux()));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			downstream.awaitContains(":\n\n");
			this.time.advanceTimeBy(Duration.ofMillis(14_999));
			assertThat(heartbeats()).isZero();
			this.time.advanceTimeBy(Duration.ofMillis(1));
			assertThat(heartbeats()).isOne();
			downstream.await((text) -> text.equals(":\n\n" + HEARTBEAT));
			// An event at 20s: the next heartbeat is due 15s after it, not after the
			// previous heartbeat.
			this.time.advanceTimeBy(Duration.ofSeconds(5));
			events.tryEmitNext("data: a\n\n");
			downstream.awaitContains("data: a\n\n");
			this.time.advanceTimeBy(Duration.ofMillis(14_999));
			assertThat(heartbeats()).isOne();
			this.time.advanceTimeBy(Duration.ofMillis(1));
			assertThat(heartbeats()).isEqualTo(2);
			downstream.await((text) -> text.equals(":\n\n" + HEARTBEAT + "data: a\n\n" + HEARTBEAT));
		}
	}

	@Test
	void heartbeatsCanBeTurnedOffPerCall() throws Exception {
		start();
		this.app.upstream(eventStream(Flux.never()));
		this.app.endpoint((proxy,
				client) -> proxy.from(client, (web) -> web.get().uri("/")).heartbeat(Duration.ZERO).toResponse());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			downstream.awaitContains(":\n\n");
			this.time.advanceTimeBy(Duration.ofMinutes(10));
			assertThat(heartbeats()).isZero();
		}
	}

	@Test
	void aClientThatStopsReadingIsDroppedAfterTheSlowClientTimeout() throws Exception {
		start("sentinel.clients.up.sse.buffer-size=64KB");
		AtomicLong produced = new AtomicLong();
		this.app.upstream(eventStream(endless(produced)));
		try (Socket client = nonReadingClient()) {
			assertThat(this.paused.await(10, TimeUnit.SECONDS)).as("proxy stopped reading the upstream").isTrue();
			assertThat(statistics().slowClientDrops()).isZero();
			this.time.advanceTimeBy(Duration.ofSeconds(29));
			assertThat(statistics().slowClientDrops()).isZero();
			// While the socket buffers fill up, the client still takes a little now and
			// then: each time the stream has room again and fills up again, its 30s start
			// afresh. Once they are full, the next 30s without progress drop the client.
			for (int seconds = 30; seconds <= 120
					&& !this.app.upstream.awaitClosedConnections(1, Duration.ofMillis(50)); seconds++) {
				this.time.advanceTimeBy(Duration.ofSeconds(1));
			}
			assertThat(statistics().slowClientDrops()).isOne();
			assertThat(this.app.upstream.closedConnections()).as("upstream connection closed").isOne();
			assertThat(readsToTheEnd(client)).as("client connection closed").isTrue();
		}
		assertThat(this.app.proxy().activeStreams()).isZero();
	}

	@Test
	void withTheDropPolicyASlowClientIsDroppedAtOnce() throws Exception {
		start("sentinel.clients.up.sse.buffer-size=64KB", "sentinel.clients.up.sse.slow-client-policy=drop");
		this.app.upstream(eventStream(endless(new AtomicLong())));
		try (Socket client = nonReadingClient()) {
			assertThat(this.app.upstream.awaitClosedConnections(1, Duration.ofSeconds(10))).isTrue();
			assertThat(statistics().slowClientDrops()).isOne();
			assertThat(readsToTheEnd(client)).isTrue();
		}
	}

	private void start(String... properties) {
		SseProxy proxy = SseProxy.builder().scheduler(() -> this.time).listener(new SseProxyListener() {

			@Override
			public void slowClient(String client, SlowClientAction action) {
				if (action == SlowClientAction.PAUSED) {
					SseProxyTimingTests.this.paused.countDown();
				}
			}

		}).build();
		this.app = ProxyApp.builder().properties(properties).bean("sseProxy", proxy).start();
	}

	private long heartbeats() {
		SseProxyStatistics statistics = this.app.proxy().statistics().get("up");
		return (statistics != null) ? statistics.heartbeats() : 0;
	}

	private SseProxyStatistics statistics() {
		return this.app.proxy().statistics().get("up");
	}

	/** Events of 1KB, as fast as they are asked for. */
	private static Flux<String> endless(AtomicLong produced) {
		String data = "x".repeat(1000);
		return Flux.generate((sink) -> sink.next("id: " + produced.incrementAndGet() + "\ndata: " + data + "\n\n"));
	}

	/** A client that sends its request and never reads the response. */
	private Socket nonReadingClient() throws IOException {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(4096);
		socket.connect(new InetSocketAddress("127.0.0.1", this.app.url().getPort()));
		socket.getOutputStream()
			.write("GET /proxy HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
				.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
		return socket;
	}

	/** Read what the server had sent; true if the connection then ended. */
	private static boolean readsToTheEnd(Socket socket) throws IOException {
		socket.setSoTimeout(10_000);
		InputStream in = socket.getInputStream();
		byte[] buffer = new byte[65536];
		try {
			while (in.read(buffer) != -1) {
				// Drain.
			}
			return true;
		}
		catch (java.net.SocketException ex) {
			// Reset by the server: ended as well.
			return true;
		}
		catch (java.net.SocketTimeoutException ex) {
			return false;
		}
	}

}
