package io.httpsentinel.sse.proxy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.httpsentinel.sse.SseEvent;

import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SseProxy} in a real WebFlux application between a real upstream server and a
 * real downstream client, all on loopback.
 */
class SseProxyIntegrationTests {

	private ProxyApp app;

	@BeforeEach
	void start() {
		this.app = ProxyApp.start();
	}

	@AfterEach
	void stop() {
		this.app.close();
	}

	@Test
	void forwardsTheUpstreamBytesUnchangedWithStreamHeaders() throws Exception {
		String upstream = "id: 1\r\ndata: a\r\n\r\n: a comment\n\nretry: 500\n\nevent: x\ndata: b\ndata:  c\n\nid: 2\n\n";
		this.app.upstream(eventStream(upstream));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.status()).isEqualTo(200);
			assertThat(downstream.headers().get("Content-Type")).isEqualTo("text/event-stream");
			assertThat(downstream.headers().get("Cache-Control")).isEqualTo("no-cache");
			assertThat(downstream.headers().get("X-Accel-Buffering")).isEqualTo("no");
			// The comment the proxy opens the stream with, then the upstream's bytes.
			assertThat(downstream.text()).isEqualTo(":\n\n" + upstream);
		}
	}

	@Test
	void worksFromAFunctionalEndpoint() throws Exception {
		String upstream = "id: 1\ndata: a\n\n";
		this.app.upstream(eventStream(upstream));
		URI functional = URI.create(this.app.url().toString().replace("/proxy", "/fn-proxy"));
		try (Downstream downstream = Downstream.get(functional, "Last-Event-ID", "0")) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.headers().get("Content-Type")).isEqualTo("text/event-stream");
			assertThat(downstream.text()).isEqualTo(":\n\n" + upstream);
		}
		assertThat(this.app.lastEventIds).containsExactly("0");
	}

	@Test
	void anIdleUpstreamStillGetsTheHeadersToTheClientAtOnce() throws Exception {
		this.app.upstream(eventStream(Flux.never()));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.headersWithin(Duration.ofSeconds(5))).isTrue();
			assertThat(downstream.status()).isEqualTo(200);
			assertThat(downstream.await((text) -> text.equals(":\n\n"))).isEqualTo(":\n\n");
		}
	}

	@Test
	void eachEventIsFlushedBeforeTheNextIsProduced() throws Exception {
		Sinks.Many<String> events = Sinks.many().unicast().onBackpressureBuffer();
		this.app.upstream(eventStream(events.asFlux()));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			for (int i = 1; i <= 20; i++) {
				events.tryEmitNext("id: " + i + "\ndata: token " + i + "\n\n");
				// The upstream writes the next event only once this one went through.
				downstream.awaitContains("data: token " + i + "\n\n");
			}
			events.tryEmitComplete();
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.events()).extracting(SseEvent::data).hasSize(20).startsWith("token 1");
		}
	}

	@Test
	void eventsOfOneUpstreamReadShareAFlush() throws Exception {
		Sinks.Many<String> events = Sinks.many().unicast().onBackpressureBuffer();
		this.app.upstream(eventStream(events.asFlux()));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			events.tryEmitNext("data: first\n\n");
			downstream.awaitContains("data: first\n\n");
			int before = this.app.flushes.get();
			StringBuilder burst = new StringBuilder();
			for (int i = 0; i < 50; i++) {
				burst.append("data: burst ").append(i).append("\n\n");
			}
			events.tryEmitNext(burst.toString());
			downstream.awaitContains("data: burst 49\n\n");
			int flushes = this.app.flushes.get() - before;
			// 50 events written by the upstream at once: one flush, not 50 (two if the
			// upstream's write happened to arrive in two reads).
			assertThat(flushes).isBetween(1, 2);
			events.tryEmitComplete();
		}
	}

	@Test
	void eventsThatArriveInOneReadAsChunksOfTheirOwnGoOutInOneWrite() throws Exception {
		List<String> burst = IntStream.range(0, 50)
			.mapToObj((i) -> "id: " + i + "\ndata: burst " + i + "\n\n")
			.toList();
		Sinks.Empty<Void> go = Sinks.empty();
		this.app.upstream((request, response) -> response.header("Content-Type", "text/event-stream")
			.sendHeaders()
			.then(go.asMono())
			.then(Mono.fromRunnable(() -> response.withConnection((connection) -> {
				Channel channel = connection.channel();
				// Each event a chunk of the chunked body, all sent with one flush: the
				// proxy receives them one by one, from one read of its connection.
				channel.eventLoop().execute(() -> {
					for (String event : burst) {
						channel.write(new DefaultHttpContent(Unpooled.copiedBuffer(event, StandardCharsets.UTF_8)));
					}
					channel.flush();
				});
			})))
			.then(Mono.never()));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			downstream.await((text) -> text.equals(":\n\n"));
			int before = downstream.pieces();
			go.tryEmitEmpty();
			downstream.awaitContains("data: burst 49\n\n");
			// One chunk of the response for the 50 events, not 50 (two if the upstream's
			// bytes happened to come in two turns of the event loop).
			assertThat(downstream.pieces() - before).isBetween(1, 2);
			assertThat(downstream.text()).isEqualTo(":\n\n" + String.join("", burst));
		}
	}

	@Test
	void theClientLeavingClosesTheUpstreamConnectionAtOnce() throws Exception {
		this.app.upstream(eventStream(Flux.concat(Flux.just("data: a\n\n"), Flux.never())));
		Downstream downstream = Downstream.get(this.app.url());
		downstream.awaitContains("data: a\n\n");
		assertThat(this.app.upstream.openConnections()).isEqualTo(1);
		downstream.close();
		assertThat(this.app.upstream.awaitClosedConnections(1, Duration.ofSeconds(1)))
			.as("upstream connection closed within 1s of the client leaving")
			.isTrue();
	}

	@Test
	void theClientsLastEventIdIsSentUpstream() throws Exception {
		this.app.upstream(eventStream("id: 42\ndata: a\n\n"));
		try (Downstream downstream = Downstream.get(this.app.url(), "Last-Event-ID", "41")) {
			assertThat(downstream.awaitEnd()).isNull();
		}
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).isNull();
		}
		assertThat(this.app.lastEventIds).containsExactly("41", "-");
	}

	@Test
	void anExplicitLastEventIdWinsAndAnUnfitOneIsNotPassedOn() throws Exception {
		this.app.upstream(eventStream("data: a\n\n"));
		this.app
			.endpoint((proxy, client) -> proxy.from(client, (web) -> web.get().uri("/")).lastEventId("7").toResponse());
		try (Downstream downstream = Downstream.get(this.app.url(), "Last-Event-ID", "41")) {
			downstream.awaitEnd();
		}
		this.app.endpoint((proxy, client) -> proxy.forward(client, (web) -> web.get().uri("/")));
		try (Downstream downstream = Downstream.get(this.app.url(), "Last-Event-ID",
				"x".repeat(DownstreamRequest.MAX_LAST_EVENT_ID_LENGTH + 1))) {
			downstream.awaitEnd();
		}
		assertThat(this.app.lastEventIds).containsExactly("7", "-");
	}

	@Test
	void theListenerIsToldAboutEachStream() throws Exception {
		List<String> told = new CopyOnWriteArrayList<>();
		this.app.close();
		this.app = ProxyApp.builder().bean("recordingListener", new SseProxyListener() {

			@Override
			public void streamOpened(String client, Duration timeToOpen) {
				told.add("opened " + client);
			}

			@Override
			public void firstEvent(String client, Duration timeToFirstEvent) {
				told.add("first event");
			}

			@Override
			public void streamClosed(String client, StreamEnd end, Duration duration, long events, long bytes) {
				told.add("closed " + end + " " + events + " events " + bytes + " bytes");
			}

			@Override
			public void streamRefused(String client, int status) {
				told.add("refused " + status);
			}

		}).start();
		this.app.upstream(eventStream("data: a\n\ndata: b\n\n"), (request,
				response) -> response.status(io.netty.handler.codec.http.HttpResponseStatus.BAD_GATEWAY).send());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			downstream.awaitEnd();
		}
		try (Downstream downstream = Downstream.get(this.app.url())) {
			downstream.awaitEnd();
		}
		assertThat(told).containsExactly("opened up", "first event", "closed COMPLETED 2 events 21 bytes",
				"refused 502");
		SseProxyStatistics statistics = this.app.proxy().statistics("up");
		assertThat(statistics.streamsOpened()).isOne();
		assertThat(statistics.streamsRefused()).isOne();
		assertThat(statistics.eventsForwarded()).isEqualTo(2);
		assertThat(statistics.bytesForwarded()).isEqualTo(21);
		assertThat(statistics.activeStreams()).isZero();
	}

}
