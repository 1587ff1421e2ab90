package io.httpsentinel.sse.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SseProxy} in a real Spring MVC application on Tomcat.
 */
class SseProxyMvcTests {

	private ProxyApp app;

	@BeforeEach
	void start() {
		this.app = ProxyApp.builder().servlet().bean("otherValues", new OtherValues()).start();
	}

	@AfterEach
	void stop() {
		this.app.close();
	}

	@Test
	void theForwardOneLinerWritesTheUpstreamBytesInSpringMvc() throws Exception {
		String upstream = "id: 1\r\ndata: a\r\n\r\n: comment\n\nevent: x\ndata: b\n\n";
		this.app.upstream(eventStream(upstream));
		try (Downstream downstream = Downstream.get(oneLinerUrl())) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.status()).isEqualTo(200);
			assertThat(downstream.headers().get("Content-Type")).startsWith("text/event-stream");
			assertThat(downstream.headers().get("Cache-Control")).isEqualTo("no-cache");
			assertThat(downstream.text()).isEqualTo(":\n\n" + upstream);
		}
	}

	@Test
	void theForwardOneLinerPassesTheRequestsLastEventIdAndRefusals() throws Exception {
		this.app.upstream((request,
				response) -> response.status(HttpResponseStatus.SERVICE_UNAVAILABLE).header("Retry-After", "9").send());
		try (Downstream downstream = Downstream.get(oneLinerUrl(), "Last-Event-ID", "41")) {
			assertThat(downstream.status()).isEqualTo(503);
			assertThat(downstream.headers().get("Retry-After")).isEqualTo("9");
		}
		assertThat(this.app.lastEventIds).containsExactly("41");
	}

	@Test
	void aForwardTransformedBeforeSpringMvcSeesItFailsLoudlyInsteadOfWritingBuffersAsJson() throws Exception {
		this.app.upstream(eventStream("id: 1\ndata: a\n\n"));
		this.app.endpoint((proxy, client) -> proxy.forward(client, (web) -> web.get().uri("/stream")).map((e) -> e));
		try (Downstream downstream = Downstream.get(oneLinerUrl())) {
			assertThat(downstream.status()).isEqualTo(500);
			downstream.awaitEnd();
			assertThat(downstream.text()).doesNotContain("nativeBuffer").doesNotContain("data:");
		}
		assertThat(this.app.upstreamRequests).hasValue(0);
	}

	@Test
	void returnValuesThatAreNotForwardedStreamsAreWrittenAsSpringMvcWouldWithoutTheHandler() throws Exception {
		URI base = this.app.url();
		try (Downstream mono = Downstream.get(base.resolve("/other/mono"))) {
			assertThat(mono.awaitEnd()).isNull();
			assertThat(mono.text()).isEqualTo("from a Mono");
		}
		try (Downstream object = Downstream.get(base.resolve("/other/object"))) {
			assertThat(object.awaitEnd()).isNull();
			assertThat(object.text()).isEqualTo("{\"value\":\"plain\"}");
		}
	}

	private URI oneLinerUrl() {
		return URI.create(this.app.url().toString().replace("/mvc-proxy", "/proxy"));
	}

	@Test
	void forwardsTheUpstreamBytesUnchangedThroughAnEmitter() throws Exception {
		String upstream = "id: 1\r\ndata: a\r\n\r\n: comment\n\nevent: x\ndata: b\n\n";
		this.app.upstream(eventStream(upstream));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.status()).isEqualTo(200);
			assertThat(downstream.headers().get("Content-Type")).startsWith("text/event-stream");
			assertThat(downstream.headers().get("Cache-Control")).isEqualTo("no-cache");
			assertThat(downstream.headers().get("X-Accel-Buffering")).isEqualTo("no");
			assertThat(downstream.text()).isEqualTo(":\n\n" + upstream);
		}
	}

	@Test
	void eachEventIsWrittenBeforeTheNextIsProducedAndAnIdleUpstreamStillCommits() throws Exception {
		Sinks.Many<String> events = Sinks.many().unicast().onBackpressureBuffer();
		this.app.upstream(eventStream(events.asFlux()));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.headersWithin(Duration.ofSeconds(5))).isTrue();
			for (int i = 1; i <= 10; i++) {
				events.tryEmitNext("id: " + i + "\ndata: " + i + "\n\n");
				downstream.awaitContains("data: " + i + "\n\n");
			}
			events.tryEmitComplete();
			assertThat(downstream.awaitEnd()).isNull();
		}
	}

	@Test
	void theRequestsLastEventIdIsSentUpstream() throws Exception {
		this.app.upstream(eventStream("data: a\n\n"));
		try (Downstream downstream = Downstream.get(this.app.url(), "Last-Event-ID", "41")) {
			downstream.awaitEnd();
		}
		assertThat(this.app.lastEventIds).containsExactly("41");
	}

	@Test
	void anUpstreamAskingForAPauseBecomes503WithItsRetryAfter() throws Exception {
		this.app.upstream((request,
				response) -> response.status(HttpResponseStatus.SERVICE_UNAVAILABLE).header("Retry-After", "9").send());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.status()).isEqualTo(503);
			assertThat(downstream.headers().get("Retry-After")).isEqualTo("9");
		}
	}

	@Test
	void theClientLeavingClosesTheUpstreamConnection() throws Exception {
		Sinks.Many<String> events = Sinks.many().multicast().directBestEffort();
		this.app.upstream(eventStream(Flux.concat(Mono.just("data: first\n\n"), events.asFlux())));
		Downstream downstream = Downstream.get(this.app.url());
		downstream.awaitContains("data: first");
		downstream.close();
		// Tomcat notices a client that left when a write fails: keep events coming.
		long deadline = System.nanoTime() + Downstream.TIMEOUT.toNanos();
		while (!this.app.upstream.awaitClosedConnections(1, Duration.ofMillis(50)) && System.nanoTime() < deadline) {
			events.tryEmitNext("data: more\n\n");
		}
		assertThat(this.app.upstream.closedConnections()).isOne();
	}

	@RestController
	static class OtherValues {

		@GetMapping("/other/mono")
		Mono<String> mono() {
			return Mono.just("from a Mono");
		}

		@GetMapping("/other/object")
		Object object() {
			return Map.of("value", "plain");
		}

	}

}
