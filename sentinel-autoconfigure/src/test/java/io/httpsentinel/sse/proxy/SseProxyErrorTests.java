package io.httpsentinel.sse.proxy;

import java.time.Duration;
import java.time.Instant;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.testsupport.LoopbackServer;

import static io.httpsentinel.sse.proxy.ProxyApp.breaksOffAfter;
import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How {@link SseProxy} reports upstream failures: a status before the response is
 * committed, the in-band error event after.
 */
class SseProxyErrorTests {

	private ProxyApp app;

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void anUpstreamFailingAfterTheCommitEndsTheStreamWithTheErrorEvent() throws Exception {
		this.app = ProxyApp.start().upstream(breaksOffAfter("id: 1\ndata: a\n\ndata: partial"));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).as("completes normally after the error event").isNull();
			assertThat(downstream.text())
				.isEqualTo(":\n\nid: 1\ndata: a\n\nevent: error\ndata: {\"error\":\"upstream-disconnected\"}\n\n");
		}
		assertThat(this.app.proxy().statistics().get("up").errorEvents()).isEqualTo(1);
	}

	@Test
	void theErrorEventCanBeReplacedOrLeftOut() throws Exception {
		this.app = ProxyApp.start().upstream(breaksOffAfter("data: a\n\n"));
		this.app.endpoint((proxy, client) -> proxy.from(client, (web) -> web.get().uri("/"))
			.onErrorEvent((error) -> SseEvent.of("failure", SseErrorEvents.reason(error)))
			.toResponse());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			downstream.awaitEnd();
			assertThat(downstream.text()).endsWith("data: a\n\nevent: failure\ndata: upstream-disconnected\n\n");
		}
		this.app.endpoint((proxy,
				client) -> proxy.from(client, (web) -> web.get().uri("/")).onErrorEvent((error) -> null).toResponse());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			downstream.awaitEnd();
			assertThat(downstream.text()).isEqualTo(":\n\ndata: a\n\n");
		}
	}

	@Test
	void anUpstreamAskingForAPauseBecomes503WithItsRetryAfter() throws Exception {
		this.app = ProxyApp.start()
			.upstream((request, response) -> response.status(HttpResponseStatus.TOO_MANY_REQUESTS)
				.header("Retry-After", "7")
				.header("Content-Type", "application/json")
				.sendString(Mono.just("{\"error\":\"slow down\"}")));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.status()).isEqualTo(503);
			assertThat(downstream.headers().get("Retry-After")).isEqualTo("7");
			assertThat(downstream.headers().get("Content-Type")).isEqualTo("application/problem+json");
			downstream.awaitEnd();
			assertThat(downstream.text()).contains("\"status\":503").doesNotContain("slow down");
		}
	}

	@Test
	void anUpstreamErrorStatusBecomes502() throws Exception {
		this.app = ProxyApp.start()
			.upstream((request, response) -> response.status(HttpResponseStatus.UNAUTHORIZED).send());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.status()).isEqualTo(502);
			assertThat(downstream.headers().get("Retry-After")).isNull();
		}
	}

	@Test
	void anUpstreamAnsweringSomethingElseThanAStreamBecomes502() throws Exception {
		this.app = ProxyApp.start()
			.upstream((request, response) -> response.header("Content-Type", "application/json")
				.sendString(Mono.just("{}")));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.status()).isEqualTo(502);
		}
	}

	@Test
	void anUpstreamAnswering204Becomes204() throws Exception {
		this.app = ProxyApp.start()
			.upstream((request, response) -> response.status(HttpResponseStatus.NO_CONTENT).send());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.status()).isEqualTo(204);
		}
	}

	@Test
	void anUnreachableUpstreamBecomes502() throws Exception {
		LoopbackServer closed = LoopbackServer.start((routes) -> routes);
		String baseUrl = closed.baseUrl().toString();
		closed.close();
		this.app = ProxyApp.builder().properties("sentinel.clients.gone.base-url=" + baseUrl).start();
		this.app.endpoint((proxy, client) -> proxy.forward(
				this.app.context().getBean(io.httpsentinel.client.SentinelClients.class).get("gone"),
				(web) -> web.get().uri("/")));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.status()).isEqualTo(502);
		}
	}

	@Test
	void noResponseHeadersInTimeBecomes504() throws Exception {
		this.app = ProxyApp.builder()
			.properties("sentinel.clients.up.timeouts.response-headers=300ms", "sentinel.clients.up.timeouts.total=10s")
			.start()
			.upstream((request, response) -> Mono.never());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.status()).isEqualTo(504);
		}
	}

	@Test
	void aPausedHostBecomes503WithTheTimeLeft() throws Exception {
		this.app = ProxyApp.start().upstream(eventStream("data: a\n\n"));
		SentinelClient client = this.app.client();
		client.hostPause().pauseUntil(Instant.now().plusSeconds(90));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.status()).isEqualTo(503);
			assertThat(Integer.parseInt(downstream.headers().get("Retry-After"))).isBetween(85, 90);
		}
		assertThat(this.app.upstreamRequests).hasValue(0);
	}

	@Test
	void aRateLimitThatWouldWaitTooLongBecomes503WithTheWait() throws Exception {
		this.app = ProxyApp.builder()
			.properties("sentinel.clients.up.rate-limit.requests-per-minute=1",
					"sentinel.clients.up.rate-limit.max-wait=1ms")
			.start()
			.upstream(eventStream("data: a\n\n"));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.status()).isEqualTo(200);
		}
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.status()).isEqualTo(503);
			assertThat(Integer.parseInt(downstream.headers().get("Retry-After"))).isBetween(55, 60);
		}
		assertThat(this.app.upstreamRequests).hasValue(1);
	}

	@Test
	void anOpenCircuitBreakerBecomes503WithItsWaitInOpen() throws Exception {
		this.app = ProxyApp.builder().properties("sentinel.clients.up.circuit-breaker.wait-in-open=45s").start();
		this.app.upstream(eventStream("data: a\n\n"));
		this.app.client().circuitBreaker().resilience4j().transitionToOpenState();
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.status()).isEqualTo(503);
			assertThat(downstream.headers().get("Retry-After")).isEqualTo("45");
		}
		assertThat(this.app.upstreamRequests).hasValue(0);
	}

	@Test
	void aStreamOverTheGlobalLimitIs503WithoutContactingTheUpstream() throws Exception {
		this.app = ProxyApp.builder().properties("sentinel.sse.max-streams=1").start();
		assertOverLimitIsRefused();
	}

	@Test
	void aStreamOverTheClientsLimitIs503WithoutContactingTheUpstream() throws Exception {
		this.app = ProxyApp.builder().properties("sentinel.clients.up.sse.max-streams=1").start();
		assertOverLimitIsRefused();
	}

	private void assertOverLimitIsRefused() throws Exception {
		this.app.upstream(eventStream(Flux.concat(Mono.just("data: open\n\n"), Flux.never())));
		try (Downstream first = Downstream.get(this.app.url())) {
			first.awaitContains("data: open");
			try (Downstream second = Downstream.get(this.app.url())) {
				assertThat(second.status()).isEqualTo(503);
				assertThat(second.headers().get("Retry-After")).isEqualTo("1");
			}
			assertThat(this.app.upstreamRequests).hasValue(1);
		}
		// The first stream's permit comes back when its client leaves: the proxy sees the
		// client go, cancels the upstream and then releases the permit, so a stream asked
		// for right after the upstream closed may still be refused once.
		assertThat(this.app.upstream.awaitClosedConnections(1, Duration.ofSeconds(5))).isTrue();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			try (Downstream third = Downstream.get(this.app.url())) {
				assertThat(third.status()).isEqualTo(200);
			}
		});
	}

	@Test
	void hopByHopAndUnlistedUpstreamHeadersAreNeverForwarded() throws Exception {
		this.app = ProxyApp.start()
			.upstream((request, response) -> response.header("Content-Type", "text/event-stream")
				.header("X-Request-Id", "abc")
				.header("X-Internal", "secret")
				.header("Keep-Alive", "timeout=5")
				.header("Proxy-Authenticate", "Basic")
				.header("Trailer", "X-Checksum")
				.sendString(Mono.just("data: a\n\n")));
		this.app.endpoint((proxy, client) -> proxy.from(client, (web) -> web.get().uri("/"))
			.forwardHeaders("X-Request-Id", "Keep-Alive", "Proxy-Authenticate", "Trailer", "Content-Type")
			.toResponse());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.status()).isEqualTo(200);
			assertThat(downstream.headers().get("X-Request-Id")).isEqualTo("abc");
			assertThat(downstream.headers().contains("X-Internal")).isFalse();
			assertThat(downstream.headers().contains("Keep-Alive")).isFalse();
			assertThat(downstream.headers().contains("Proxy-Authenticate")).isFalse();
			assertThat(downstream.headers().contains("Trailer")).isFalse();
			assertThat(downstream.headers().get("Content-Type")).isEqualTo("text/event-stream");
		}
	}

	@Test
	void aRequestCannotLeaveTheClientsBaseUrl() throws Exception {
		try (LoopbackServer other = LoopbackServer.start(
				(routes) -> routes.get("/", (request, response) -> response.header("Content-Type", "text/event-stream")
					.sendString(Mono.just("data: other\n\n"))))) {
			this.app = ProxyApp.start();
			this.app.endpoint((proxy, client) -> proxy.forward(client, (web) -> web.get().uri(other.baseUrl())));
			try (Downstream downstream = Downstream.get(this.app.url())) {
				assertThat(downstream.status()).isEqualTo(502);
			}
			assertThat(other.acceptedConnections()).isZero();
		}
	}

}
