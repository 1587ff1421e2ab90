package io.httpsentinel.sse;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;

import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.client.pool.ReadIdleTimeoutException;
import io.httpsentinel.resilience.ResilienceSupport;
import io.httpsentinel.resilience.RetrySettings;
import io.httpsentinel.testsupport.DelayRecordingScheduler;
import io.httpsentinel.testsupport.LoopbackServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SentinelClient#sse} against a real server on loopback; reconnect delays run on
 * virtual time, so each test checks the delay chosen and then moves time by exactly that
 * much.
 */
class ReconnectingEventSourceIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final DelayRecordingScheduler time = new DelayRecordingScheduler();

	private final List<BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>>> connections = new ArrayList<>();

	/** The Last-Event-ID of every request, "-" when it had none. */
	private final List<String> lastEventIds = new CopyOnWriteArrayList<>();

	private final AtomicInteger requests = new AtomicInteger();

	private final List<SentinelClient> clients = new ArrayList<>();

	private LoopbackServer server;

	@AfterEach
	void stop() {
		this.clients.forEach(SentinelClient::close);
		if (this.server != null) {
			this.server.close();
		}
		this.time.dispose();
	}

	@Test
	void readsEventsAndReconnectsWithLastEventIdAfterTheServerEndsTheStream() throws Exception {
		serve(stream("id: 1\ndata: a\n\nid: 2\ndata: b\n\n"), stream("id: 3\ndata: c\n\n"));
		SentinelClient client = client(UnaryOperator.identity());
		StepVerifier.create(client.sse((web) -> web.get().uri("/events")).map(SseEvent::data))
			.expectNext("a", "b")
			.then(() -> reconnectAfter(Duration.ofSeconds(3), 1))
			.expectNext("c")
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(this.lastEventIds).containsExactly("-", "2");
	}

	@Test
	void honoursTheServersRetryField() throws Exception {
		serve(stream("retry: 10000\ndata: a\n\n"), stream("data: b\n\n"));
		StepVerifier.create(client(UnaryOperator.identity()).sse((web) -> web.get().uri("/")).map(SseEvent::data))
			.expectNext("a")
			.then(() -> reconnectAfter(Duration.ofSeconds(10), 1))
			.expectNext("b")
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void backsOffOnFailuresInARowUpToTheCap() throws Exception {
		// Streams that end at once are not healthy: each reconnect waits twice as long.
		serve(stream(""));
		SentinelClient client = client((settings) -> settings
			.withSse(SseSettings.INHERIT.withReconnect(SseReconnectSettings.INHERIT.withLimits(5, null))));
		StepVerifier.create(client.sse((web) -> web.get().uri("/")))
			.then(() -> reconnectAfter(Duration.ofSeconds(3), 1))
			.then(() -> reconnectAfter(Duration.ofSeconds(6), 2))
			.then(() -> reconnectAfter(Duration.ofSeconds(12), 3))
			.then(() -> reconnectAfter(Duration.ofSeconds(24), 4))
			.then(() -> reconnectAfter(Duration.ofSeconds(30), 5))
			// max-attempts reached after a clean end: the stream completes.
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.requests).hasValue(6);
	}

	@Test
	void aHealthyConnectionResetsTheBackoff() throws Exception {
		Sinks.Empty<Void> endHealthyStream = Sinks.empty();
		serve(stream(""), stream(""),
				(request, response) -> eventStream(response).sendString(
						Flux.concat(Mono.just("data: healthy\n\n"), endHealthyStream.asMono().then(Mono.empty()))),
				stream(""));
		StepVerifier.create(client(UnaryOperator.identity()).sse((web) -> web.get().uri("/")).map(SseEvent::data))
			.then(() -> reconnectAfter(Duration.ofSeconds(3), 1))
			.then(() -> reconnectAfter(Duration.ofSeconds(6), 2))
			.expectNext("healthy")
			.then(() -> {
				// Open for longer than sse.reconnect.reset-after (30s), then it ends.
				this.time.advanceTimeBy(Duration.ofSeconds(31));
				endHealthyStream.tryEmitEmpty();
			})
			.then(() -> reconnectAfter(Duration.ofSeconds(3), 3))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void status204EndsTheStream() throws Exception {
		serve(stream("data: a\n\n"), (request, response) -> response.status(HttpResponseStatus.NO_CONTENT).send());
		StepVerifier.create(client(UnaryOperator.identity()).sse((web) -> web.get().uri("/")).map(SseEvent::data))
			.expectNext("a")
			.then(() -> reconnectAfter(Duration.ofSeconds(3), 1))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.time.pendingDelays()).isZero();
	}

	@Test
	void aResponseOfAnotherTypeFailsWithoutReconnecting() {
		serve((request, response) -> response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendString(Mono.just("{}")));
		StepVerifier.create(client(UnaryOperator.identity()).sse((web) -> web.get().uri("/")))
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(SseResponseException.class)
					.hasMessageContaining("not an event stream")
					.hasMessageContaining("application/json");
				assertThat(((SseResponseException) error).status()).isEqualTo(200);
			})
			.verify(TIMEOUT);
		assertThat(this.time.pendingDelays()).isZero();
		assertThat(this.requests).hasValue(1);
	}

	@Test
	void anErrorStatusFailsWithTheStartOfItsBodyWithoutReconnecting() {
		serve((request, response) -> response.status(HttpResponseStatus.UNAUTHORIZED)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendString(Mono.just("{\"error\":\"invalid x-api-key\"}")));
		StepVerifier.create(client(UnaryOperator.identity()).sse((web) -> web.get().uri("/")))
			.expectErrorSatisfies((error) -> {
				SseResponseException refused = (SseResponseException) error;
				assertThat(refused.status()).isEqualTo(401);
				assertThat(refused.contentType()).isEqualTo("application/json");
				assertThat(refused.bodyStart()).isEqualTo("{\"error\":\"invalid x-api-key\"}");
				assertThat(refused).hasMessageContaining("stream refused (status 401");
			})
			.verify(TIMEOUT);
		assertThat(this.time.pendingDelays()).isZero();
	}

	@Test
	void readIdleTimeoutReconnects() throws Exception {
		serve(openStream("id: 7\ndata: a\n\n"), stream("data: b\n\n"));
		SentinelClient client = client(
				(settings) -> settings.withTimeouts(settings.timeouts().withReadIdle(Duration.ofMillis(300))));
		StepVerifier.create(client.sse((web) -> web.get().uri("/")).map(SseEvent::data))
			.expectNext("a")
			// The stalled connection is dropped by the read-idle timeout (real time).
			.then(() -> reconnectAfter(Duration.ofSeconds(3), 1))
			.expectNext("b")
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(this.lastEventIds).containsExactly("-", "7");
	}

	@Test
	void withoutReconnectAReadIdleTimeoutFailsTheStream() {
		serve(openStream("data: a\n\n"));
		SentinelClient client = client(
				(settings) -> settings.withTimeouts(settings.timeouts().withReadIdle(Duration.ofMillis(300))));
		StepVerifier
			.create(client.sse((web) -> web.get().uri("/"), SseOptions.DEFAULTS.noReconnect()).map(SseEvent::data))
			.expectNext("a")
			.expectError(ReadIdleTimeoutException.class)
			.verify(TIMEOUT);
	}

	@Test
	void withoutReconnectABrokenConnectionFailsTheStreamWithATypedError() {
		serve(brokenStream("id: 5\ndata: a\n\n"));
		StepVerifier
			.create(client(UnaryOperator.identity()).sse((web) -> web.get().uri("/"), SseOptions.DEFAULTS.noReconnect())
				.map(SseEvent::data))
			.expectNext("a")
			.expectErrorSatisfies((error) -> {
				// Not the transport's PrematureCloseException as it is.
				assertThat(error).isInstanceOf(SseStreamBrokenException.class)
					.hasMessageStartingWith("Sentinel client 'upstream': event stream broke after event id '5': ")
					.hasCauseInstanceOf(PrematureCloseException.class);
				assertThat(((SseStreamBrokenException) error).lastEventId()).isEqualTo("5");
			})
			.verify(TIMEOUT);
	}

	@Test
	void givesUpAfterMaxAttemptsWithTheLastError() throws Exception {
		// Nothing listens: every connection is refused.
		LoopbackServer closed = LoopbackServer.start((routes) -> routes);
		URI baseUrl = closed.baseUrl();
		closed.close();
		SentinelClient client = client(baseUrl, (settings) -> settings
			.withSse(SseSettings.INHERIT.withReconnect(SseReconnectSettings.INHERIT.withLimits(2, null))));
		StepVerifier.create(client.sse((web) -> web.get().uri("/")))
			.then(() -> reconnectAfter(Duration.ofSeconds(3), 0))
			.then(() -> reconnectAfter(Duration.ofSeconds(6), 0))
			.expectErrorSatisfies((error) -> assertThat(error).hasMessageContaining("Connection refused"))
			.verify(TIMEOUT);
	}

	@Test
	void waitsOutAnOpenCircuitBreakerWithoutSpendingReconnects() throws Exception {
		serve(brokenStream("id: 1\ndata: a\n\n"), stream("id: 2\ndata: b\n\n"));
		SentinelClient client = client((settings) -> settings
			.withSse(SseSettings.INHERIT.withReconnect(SseReconnectSettings.INHERIT.withLimits(1, null))));
		CircuitBreaker breaker = client.circuitBreaker().resilience4j();
		StepVerifier.create(client.sse((web) -> web.get().uri("/")).map(SseEvent::data))
			.expectNext("a")
			.then(breaker::transitionToForcedOpenState)
			// Refused without reaching the server, twice: the one reconnect allowed is
			// still there, and the waits go on doubling.
			.then(() -> reconnectAfter(Duration.ofSeconds(3), 1))
			.then(() -> reconnectAfter(Duration.ofSeconds(6), 1))
			.then(breaker::transitionToClosedState)
			.then(() -> reconnectAfter(Duration.ofSeconds(12), 1))
			.expectNext("b")
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(this.lastEventIds).containsExactly("-", "1");
	}

	@Test
	void theBreakerCountsTheReconnectsOfABrokenStreamNotItsBreaks() throws Exception {
		serve(brokenStream("id: 1\ndata: a\n\n"), stream("id: 2\ndata: b\n\n"));
		SentinelClient client = client(UnaryOperator.identity());
		StepVerifier.create(client.sse((web) -> web.get().uri("/")).map(SseEvent::data))
			.expectNext("a")
			.then(() -> reconnectAfter(Duration.ofSeconds(3), 1))
			.expectNext("b")
			.thenCancel()
			.verify(TIMEOUT);
		CircuitBreaker.Metrics metrics = client.circuitBreaker().resilience4j().getMetrics();
		assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(2);
		assertThat(metrics.getNumberOfFailedCalls()).isZero();
	}

	@Test
	void withoutReconnectABrokenStreamCountsAgainstTheBreaker() {
		serve(brokenStream("id: 5\ndata: a\n\n"));
		SentinelClient client = client(UnaryOperator.identity());
		StepVerifier.create(client.sse((web) -> web.get().uri("/"), SseOptions.DEFAULTS.noReconnect()))
			.expectNextCount(1)
			.expectError(SseStreamBrokenException.class)
			.verify(TIMEOUT);
		assertThat(client.circuitBreaker().resilience4j().getMetrics().getNumberOfFailedCalls()).isOne();
	}

	@Test
	void givesUpAfterMaxElapsed() throws Exception {
		serve(stream(""));
		SentinelClient client = client((settings) -> settings.withSse(SseSettings.INHERIT
			.withReconnect(SseReconnectSettings.INHERIT.withLimits(null, Duration.ofSeconds(15)))));
		StepVerifier.create(client.sse((web) -> web.get().uri("/")))
			.then(() -> reconnectAfter(Duration.ofSeconds(3), 1))
			.then(() -> reconnectAfter(Duration.ofSeconds(6), 2))
			// 9s or more spent; the next wait (12s or more) would end past 15s.
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void sendsTheInitialLastEventIdOnTheFirstConnection() {
		serve(stream("data: a\n\n"));
		StepVerifier
			.create(client(UnaryOperator.identity())
				.sse((web) -> web.get().uri("/"), SseOptions.DEFAULTS.withLastEventId("41").noReconnect())
				.map(SseEvent::data))
			.expectNext("a")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.lastEventIds).containsExactly("41");
	}

	@Test
	void postsAStreamRequestWithoutReconnecting() {
		serve((request, response) -> eventStream(response)
			.sendString(request.receive().aggregate().asString().map((body) -> "data: echo " + body + "\n\n")));
		StepVerifier
			.create(client(UnaryOperator.identity())
				.sse((web) -> web.post().uri("/v1/messages").bodyValue("{\"stream\":true}"),
						SseOptions.DEFAULTS.noReconnect())
				.map(SseEvent::data))
			.expectNext("echo {\"stream\":true}")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.time.pendingDelays()).isZero();
	}

	@Test
	void anEventOverTheLimitFailsWithoutReconnecting() {
		serve(stream("data: " + "x".repeat(200) + "\n\n"));
		SentinelClient client = client((settings) -> settings
			.withSse(SseSettings.INHERIT.withLimits(DataSize.ofBytes(64), DataSize.ofBytes(128))));
		StepVerifier.create(client.sse((web) -> web.get().uri("/")))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(SseLimitExceededException.class)
				.hasMessageContaining("sse.max-line-size"))
			.verify(TIMEOUT);
		assertThat(this.time.pendingDelays()).isZero();
	}

	@Test
	void cancellingClosesTheConnection() throws Exception {
		serve(openStream("data: a\n\n"));
		StepVerifier.create(client(UnaryOperator.identity()).sse((web) -> web.get().uri("/")).map(SseEvent::data))
			.expectNext("a")
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(this.server.awaitClosedConnections(1, TIMEOUT)).as("server saw the connection close").isTrue();
	}

	@Test
	void theRequestAsksForAnEventStream() {
		List<String> accepts = new CopyOnWriteArrayList<>();
		serve((request, response) -> {
			accepts.add(request.requestHeaders().get(HttpHeaderNames.ACCEPT) + " / "
					+ request.requestHeaders().get(HttpHeaderNames.CACHE_CONTROL));
			return eventStream(response).sendString(Mono.just("data: a\n\n"));
		});
		StepVerifier.create(
				client(UnaryOperator.identity()).sse((web) -> web.get().uri("/"), SseOptions.DEFAULTS.noReconnect()))
			.expectNextCount(1)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(accepts).containsExactly("text/event-stream / no-cache");
	}

	/**
	 * Wait (real time) for the reconnect delay, check it against the base delay and its
	 * jitter, check that nothing reconnects a moment before it, then let it pass.
	 */
	private void reconnectAfter(Duration base, int requestsBefore) {
		try {
			Duration delay = this.time.nextDelay(TIMEOUT);
			assertThat(delay).as("reconnect delay").isNotNull().isBetween(base, base.multipliedBy(12).dividedBy(10));
			this.time.advanceTimeBy(delay.minusMillis(1));
			assertThat(this.requests).as("requests before the delay passed").hasValue(requestsBefore);
			this.time.advanceTimeBy(Duration.ofMillis(1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@SafeVarargs
	private void serve(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>>... scripts) {
		this.connections.addAll(List.of(scripts));
		this.server = LoopbackServer.start((routes) -> routes.route((request) -> true, (request, response) -> {
			int index = this.requests.getAndIncrement();
			String lastEventId = request.requestHeaders().get("Last-Event-ID");
			this.lastEventIds.add((lastEventId != null) ? lastEventId : "-");
			return this.connections.get(Math.min(index, this.connections.size() - 1)).apply(request, response);
		}));
	}

	private static BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> stream(String body) {
		return (request, response) -> eventStream(response).sendString(Mono.just(body));
	}

	private static BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> openStream(String body) {
		return (request, response) -> eventStream(response).sendString(Flux.concat(Mono.just(body), Flux.never()));
	}

	/** Sends the body, then closes the connection without ending the response. */
	private static BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> brokenStream(String body) {
		return (request, response) -> eventStream(response)
			.sendString(Flux.concat(Mono.just(body), Mono.error(new IllegalStateException("connection dropped"))));
	}

	private static HttpServerResponse eventStream(HttpServerResponse response) {
		return response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
	}

	private SentinelClient client(UnaryOperator<ClientSettings> settings) {
		return client(this.server.baseUrl(), settings);
	}

	private SentinelClient client(URI baseUrl, UnaryOperator<ClientSettings> settings) {
		ResilienceSupport support = ResilienceSupport.standalone(Clock.systemUTC(), () -> this.time, List.of());
		// No retries of a connection's request: reconnect delays are the only ones here.
		ClientSettings resolved = settings
			.apply(ClientSettings.INHERIT.withBaseUrl(baseUrl).withRetry(RetrySettings.INHERIT.withMaxRetries(0)))
			.orElse(ClientSettings.DEFAULTS);
		SentinelClient client = new SentinelClientFactory(WebClient::builder, null, List.of(), support)
			.create("upstream", resolved);
		this.clients.add(client);
		return client;
	}

}
