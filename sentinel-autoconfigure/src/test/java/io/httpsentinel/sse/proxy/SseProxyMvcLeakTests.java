package io.httpsentinel.sse.proxy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import io.httpsentinel.client.SentinelClientCustomizer;

import static io.httpsentinel.sse.proxy.ProxyApp.breaksOffAfter;
import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forward one-liner in a Spring MVC application on Tomcat releases every buffer,
 * whether the stream completes, fails (the upstream breaks off mid-stream) or is
 * cancelled (the client leaves): Netty's leak detector at {@code PARANOID}, pooled direct
 * buffers on the upstream server and on the Sentinel client's side.
 */
class SseProxyMvcLeakTests {

	private static final LeakDetection leaks = new LeakDetection();

	private ProxyApp app;

	@BeforeAll
	static void paranoid() {
		leaks.start();
	}

	@AfterAll
	static void restore() {
		leaks.stop();
	}

	@BeforeEach
	void start() {
		this.app = ProxyApp.builder()
			.servlet()
			.upstreamAllocator(PooledByteBufAllocator.DEFAULT)
			.bean("pooledClient", new SentinelClientCustomizer() {

				@Override
				public HttpClient customizeHttpClient(String clientName, HttpClient httpClient) {
					return httpClient.option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
				}

			})
			.start();
	}

	@AfterEach
	void stop() {
		this.app.close();
	}

	@Test
	void completedStreamsReleaseEveryBufferAndForwardTheUpstreamsBytes() throws Exception {
		List<String> events = events(200);
		this.app.upstream(eventStream(Flux.fromIterable(events)));
		for (int i = 0; i < 5; i++) {
			try (Downstream downstream = Downstream.get(oneLiner())) {
				assertThat(downstream.awaitEnd()).isNull();
				assertThat(downstream.text()).isEqualTo(":\n\n" + String.join("", events));
			}
		}
		leaks.assertNoLeaks();
	}

	@Test
	void streamsWhoseUpstreamBreaksOffReleaseEveryBuffer() throws Exception {
		this.app.upstream(breaksOffAfter(String.join("", events(50)) + "data: partial"));
		for (int i = 0; i < 5; i++) {
			try (Downstream downstream = Downstream.get(oneLiner())) {
				downstream.awaitEnd();
				assertThat(downstream.text()).endsWith("event: error\ndata: {\"error\":\"upstream-disconnected\"}\n\n");
			}
		}
		leaks.assertNoLeaks();
	}

	@Test
	void streamsWhoseClientLeavesReleaseEveryBuffer() throws Exception {
		this.app.upstream(eventStream(Flux.concat(Flux.fromIterable(events(20)),
				Flux.interval(Duration.ofMillis(5)).map((i) -> "data: more " + i + "\n\n"))));
		for (int i = 1; i <= 5; i++) {
			Downstream downstream = Downstream.get(oneLiner());
			downstream.awaitContains("data: more");
			downstream.close();
			assertThat(this.app.upstream.awaitClosedConnections(i, Downstream.TIMEOUT)).isTrue();
		}
		leaks.assertNoLeaks();
	}

	private URI oneLiner() {
		return URI.create(this.app.url().toString().replace("/mvc-proxy", "/proxy"));
	}

	/** Events of many sizes, multi-byte characters included. */
	private static List<String> events(int count) {
		List<String> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String data = "é€𝄞".repeat(i % 7) + "x".repeat((i * 97) % 3000);
			events.add("id: " + i + "\r\nevent: token\ndata: " + data + "\n\n");
		}
		assertThat(String.join("", events).getBytes(StandardCharsets.UTF_8).length).isGreaterThan(count * 100);
		return events;
	}

}
