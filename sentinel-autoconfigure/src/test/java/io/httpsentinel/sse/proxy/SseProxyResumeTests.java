package io.httpsentinel.sse.proxy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.testsupport.DelayRecordingScheduler;
import io.httpsentinel.testsupport.LoopbackServer;

import static io.httpsentinel.sse.proxy.ProxyApp.breaksOffAfter;
import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resuming a failed upstream while the downstream stays connected.
 */
class SseProxyResumeTests {

	/** Resume on, with short delays. */
	static final String[] RESUME = { "sentinel.clients.up.sse.resume.enabled=true",
			"sentinel.clients.up.sse.resume.initial-delay=5ms", "sentinel.clients.up.sse.resume.max-delay=20ms" };

	private ProxyApp app;

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void everyEventArrivesExactlyOnceAndInOrderOverManyDrops() throws Exception {
		int total = 500;
		// The breaker stays on: the drops of a resumed stream are not counted against it,
		// its reconnects are (each one a success here).
		this.app = ProxyApp.builder().properties(RESUME).start().upstream(new DroppingUpstream(total, new Random(42)));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).as("completes when the upstream ends cleanly").isNull();
			List<String> expected = new ArrayList<>();
			for (int i = 1; i <= total; i++) {
				expected.add(Integer.toString(i));
			}
			String text = downstream.text();
			assertThat(downstream.events()).extracting(SseEvent::data)
				.as(() -> "ends with " + text.substring(Math.max(0, text.length() - 300)) + " ids "
						+ this.app.lastEventIds)
				.containsExactlyElementsOf(expected);
		}
		assertThat(this.app.upstreamRequests.get()).as("connections").isGreaterThan(30);
		SseProxyStatistics statistics = this.app.proxy().statistics().get("up");
		assertThat(statistics.resumes()).isEqualTo(this.app.upstreamRequests.get() - 1);
		assertThat(statistics.errorEvents()).isZero();
		CircuitBreaker breaker = this.app.client().circuitBreaker().resilience4j();
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void waitsOutTheCircuitBreakerItsFailedReconnectsOpenedWithoutSpendingAttempts() throws Exception {
		this.app = ProxyApp.builder()
			.properties(RESUME)
			.properties("sentinel.clients.up.sse.resume.max-attempts=3", "sentinel.clients.up.retry.max-retries=0",
					"sentinel.clients.up.circuit-breaker.minimum-calls=2",
					"sentinel.clients.up.circuit-breaker.wait-in-open=500ms",
					"sentinel.clients.up.circuit-breaker.half-open-calls=1")
			.start()
			// The failed reconnect makes 1 failure in 2 calls: the breaker opens.
			.upstream(breaksOffAfter("id: 1\ndata: a\n\n"),
					(request, response) -> response.status(HttpResponseStatus.SERVICE_UNAVAILABLE).send(),
					eventStream("id: 2\ndata: b\n\n"));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.events()).extracting(SseEvent::data).containsExactly("a", "b");
		}
		assertThat(this.app.lastEventIds).containsExactly("-", "1", "1");
		SseProxyStatistics statistics = this.app.proxy().statistics().get("up");
		// Reconnects every 20ms at most for 500ms: refused far more often than the 3
		// attempts allowed, none of which reached the upstream.
		assertThat(statistics.resumeAttemptsFailed()).isGreaterThan(3);
		assertThat(statistics.resumes()).isOne();
		assertThat(statistics.resumesGivenUp()).isZero();
		assertThat(this.app.client().circuitBreaker().resilience4j().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void eachReconnectSendsTheLastForwardedId() throws Exception {
		this.app = ProxyApp.builder()
			.properties(RESUME)
			.start()
			.upstream(breaksOffAfter("id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: partial"),
					// Replays 2, then an event without an id after it (also seen before,
					// as far as the proxy can tell), then 3 and 4.
					breaksOffAfter("id: 2\ndata: b\n\nid: 3\ndata: c\n\n"), eventStream("id: 4\ndata: d\n\n"));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.events()).extracting(SseEvent::data).containsExactly("a", "b", "c", "d");
		}
		assertThat(this.app.lastEventIds).containsExactly("-", "2", "3");
	}

	@Test
	void aStreamOfAClientWithSeveralBackendsResumesOnAnotherOneExactlyOnce() throws Exception {
		List<String> otherLastEventIds = new CopyOnWriteArrayList<>();
		try (LoopbackServer other = LoopbackServer.start((routes) -> routes.get("/stream", (request, response) -> {
			String lastEventId = request.requestHeaders().get("Last-Event-ID");
			otherLastEventIds.add((lastEventId != null) ? lastEventId : "-");
			return response.header("Content-Type", "text/event-stream")
				.sendString(Mono.just("id: 3\ndata: c\n\n"), StandardCharsets.UTF_8);
		}))) {
			this.app = ProxyApp.builder()
				.properties(RESUME)
				.otherBackend(other.baseUrl())
				.start()
				// The first backend's weight alone would take the resume too.
				.upstream(breaksOffAfter("id: 1\ndata: a\n\nid: 2\ndata: b\n\n"), eventStream("id: 9\ndata: z\n\n"));
			try (Downstream downstream = Downstream.get(this.app.url())) {
				assertThat(downstream.awaitEnd()).isNull();
				assertThat(downstream.events()).extracting(SseEvent::data).containsExactly("a", "b", "c");
			}
			assertThat(this.app.lastEventIds).containsExactly("-");
			assertThat(otherLastEventIds).containsExactly("2");
			assertThat(this.app.proxy().statistics().get("up").resumes()).isOne();
		}
	}

	@Test
	void givesUpAfterMaxAttemptsWithTheErrorEvent() throws Exception {
		this.app = ProxyApp.builder()
			.properties(RESUME)
			.properties("sentinel.clients.up.sse.resume.max-attempts=3")
			.start()
			.upstream(breaksOffAfter("id: 1\ndata: a\n\n"),
					(request, response) -> response.status(HttpResponseStatus.SERVICE_UNAVAILABLE).send());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.text())
				.isEqualTo(":\n\nid: 1\ndata: a\n\nevent: error\ndata: {\"error\":\"upstream-refused\"}\n\n");
		}
		assertThat(this.app.lastEventIds).containsExactly("-", "1", "1", "1");
		SseProxyStatistics statistics = this.app.proxy().statistics().get("up");
		assertThat(statistics.resumeAttemptsFailed()).isEqualTo(3);
		assertThat(statistics.resumesGivenUp()).isOne();
	}

	@Test
	void aStreamWhoseEventsHaveNoIdsIsNotResumed() throws Exception {
		this.app = ProxyApp.builder().properties(RESUME).start().upstream(breaksOffAfter("data: a\n\n"));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.text())
				.isEqualTo(":\n\ndata: a\n\nevent: error\ndata: {\"error\":\"upstream-disconnected\"}\n\n");
		}
		assertThat(this.app.upstreamRequests).hasValue(1);
	}

	@Test
	void resumeIsOffUnlessEnabled() throws Exception {
		this.app = ProxyApp.start().upstream(breaksOffAfter("id: 1\ndata: a\n\n"), eventStream("id: 2\ndata: b\n\n"));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.events()).extracting(SseEvent::type).containsExactly("message", "error");
		}
		assertThat(this.app.upstreamRequests).hasValue(1);
	}

	@Test
	void heartbeatsGoOnWhileTheUpstreamIsResumed() throws Exception {
		DelayRecordingScheduler time = new DelayRecordingScheduler();
		try {
			this.app = ProxyApp.builder()
				.properties("sentinel.clients.up.sse.resume.initial-delay=20s",
						"sentinel.clients.up.sse.resume.max-delay=20s")
				.bean("sseProxy", SseProxy.builder().scheduler(() -> time).build())
				.start()
				.upstream(breaksOffAfter("id: 1\ndata: a\n\n"), eventStream("id: 2\ndata: b\n\n"));
			this.app
				.endpoint((proxy, client) -> proxy.from(client, (web) -> web.get().uri("/")).resume(true).toResponse());
			try (Downstream downstream = Downstream.get(this.app.url())) {
				downstream.awaitContains("data: a\n\n");
				// The upstream is gone; the resume waits 20s (plus up to 20%).
				awaitResumeScheduled(time);
				time.advanceTimeBy(Duration.ofSeconds(15));
				downstream.awaitContains("data: a\n\n: heartbeat\n\n");
				assertThat(this.app.upstreamRequests).hasValue(1);
				time.advanceTimeBy(Duration.ofSeconds(10));
				assertThat(downstream.awaitEnd()).isNull();
				assertThat(downstream.text()).isEqualTo(":\n\nid: 1\ndata: a\n\n: heartbeat\n\nid: 2\ndata: b\n\n");
			}
		}
		finally {
			time.dispose();
		}
	}

	private static void awaitResumeScheduled(DelayRecordingScheduler time) throws InterruptedException {
		for (;;) {
			Duration delay = time.nextDelay(Downstream.TIMEOUT);
			assertThat(delay).as("resume scheduled").isNotNull();
			if (delay.compareTo(Duration.ofSeconds(20)) >= 0) {
				assertThat(delay).isLessThanOrEqualTo(Duration.ofSeconds(24));
				return;
			}
		}
	}

	/**
	 * Numbered events; each connection starts up to 3 events before the Last-Event-ID it
	 * got (replaying some), sends a few events in randomly cut pieces, and breaks off,
	 * sometimes in the middle of an event, until the last event, after which it ends
	 * cleanly.
	 */
	private static final class DroppingUpstream implements ProxyApp.UpstreamScript {

		private final int total;

		private final Random random;

		DroppingUpstream(int total, Random random) {
			this.total = total;
			this.random = random;
		}

		@Override
		public org.reactivestreams.Publisher<Void> apply(reactor.netty.http.server.HttpServerRequest request,
				reactor.netty.http.server.HttpServerResponse response) {
			String lastEventId = request.requestHeaders().get("Last-Event-ID");
			long after = (lastEventId != null) ? Long.parseLong(lastEventId) : 0;
			List<String> pieces = new ArrayList<>();
			boolean last;
			synchronized (this.random) {
				long from = Math.max(1, after + 1 - this.random.nextInt(4));
				long to = Math.min(this.total, from + this.random.nextInt(20));
				last = to == this.total;
				StringBuilder body = new StringBuilder();
				for (long id = from; id <= to; id++) {
					body.append("id: ").append(id).append("\ndata: ").append(id).append("\n\n");
				}
				if (!last && this.random.nextBoolean()) {
					body.append("id: ").append(to + 1).append("\ndata: ").append(to + 1);
				}
				int start = 0;
				while (start < body.length()) {
					int end = Math.min(body.length(), start + 1 + this.random.nextInt(40));
					pieces.add(body.substring(start, end));
					start = end;
				}
			}
			Mono<Void> sent = response.header("Content-Type", "text/event-stream")
				.sendString(Flux.fromIterable(pieces))
				.then();
			return last ? sent
					: sent.then(Mono.fromRunnable(() -> response.withConnection((c) -> c.channel().close())));
		}

	}

}
