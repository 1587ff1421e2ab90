package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.resilience.ResilienceSupport;
import io.httpsentinel.resilience.RetrySettings;
import io.httpsentinel.testsupport.DelayRecordingScheduler;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.RawRequestHeads;

import static io.httpsentinel.testsupport.RawRequestHeads.utf8Hex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code Last-Event-ID} the SSE reader sends back, as bytes on the wire of a real
 * server on loopback: what browsers send for ids that are not plain ASCII, and a
 * reconnect that goes on for ids HTTP cannot carry.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReconnectingEventSourceLastEventIdTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final DelayRecordingScheduler time = new DelayRecordingScheduler();

	private final RawRequestHeads heads = new RawRequestHeads();

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
	void aNonAsciiIdIsSentBackAsItsUtf8Bytes() throws Exception {
		reconnectsOnce("id: 日本\ndata: a\n\n");
		assertThat(this.heads.values("Last-Event-ID")).containsExactly("-", "E6 97 A5 E6 9C AC");
	}

	@Test
	void anIdWithAnAstralCharacterIsSentBackAsItsUtf8Bytes() throws Exception {
		reconnectsOnce("id: a😀\ndata: a\n\n");
		assertThat(this.heads.values("Last-Event-ID")).containsExactly("-", utf8Hex("a😀"));
	}

	@Test
	void spacesAroundAnIdAreLeftOutAsBrowsersDo() throws Exception {
		// "id: 7 " is the id " 7 ": the field's value keeps all but one leading space.
		reconnectsOnce("id:  7 \ndata: a\n\n");
		assertThat(this.heads.values("Last-Event-ID")).containsExactly("-", "37");
	}

	@Test
	void tabsAroundAnIdAreLeftOutAndATabInsideIsKept() throws Exception {
		reconnectsOnce("id: \t7\t8\t\ndata: a\n\n");
		assertThat(this.heads.values("Last-Event-ID")).containsExactly("-", "37 09 38");
	}

	@Test
	void anIdWithAControlCharacterReconnectsWithoutLastEventIdWarningOnce(CapturedOutput output) {
		serve("id: 7\u0001\ndata: a\n\n", "data: b\n\n");
		StepVerifier.create(client().sse((web) -> web.get().uri("/")).map(SseEvent::data))
			.expectNext("a")
			.then(this::reconnect)
			.expectNext("b")
			.then(this::reconnect)
			.expectNext("3")
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(this.heads.values("Last-Event-ID")).containsExactly("-", "-", "-");
		String warning = "SSE stream of client 'upstream' connects without Last-Event-ID: its last event id "
				+ "'7\\u0001' cannot be sent in a header (it holds U+0001, a control character)";
		assertThat(output.getOut().split(Pattern.quote(warning), -1)).hasSize(2);
	}

	@Test
	void anIdWithDelReconnectsWithoutLastEventId() throws Exception {
		reconnectsOnce("id: 7\u007f\ndata: a\n\n");
		assertThat(this.heads.values("Last-Event-ID")).containsExactly("-", "-");
	}

	@Test
	void anIdOfSpacesOnlyReconnectsWithoutLastEventId() throws Exception {
		reconnectsOnce("id:   \ndata: a\n\n");
		assertThat(this.heads.values("Last-Event-ID")).containsExactly("-", "-");
	}

	@Test
	void theInitialLastEventIdIsSentAsItsUtf8Bytes() {
		serve();
		StepVerifier
			.create(client().sse((web) -> web.get().uri("/"), SseOptions.DEFAULTS.withLastEventId(" 日本 ").noReconnect())
				.map(SseEvent::data))
			.expectNext("1")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.heads.values("Last-Event-ID")).containsExactly("E6 97 A5 E6 9C AC");
	}

	@Test
	void anInitialLastEventIdWithAControlCharacterIsNotSent() {
		serve();
		StepVerifier
			.create(client()
				.sse((web) -> web.get().uri("/"), SseOptions.DEFAULTS.withLastEventId("7\u0002").noReconnect())
				.map(SseEvent::data))
			.expectNext("1")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.heads.values("Last-Event-ID")).containsExactly("-");
	}

	/**
	 * The first connection sends the given text and ends; the reader reconnects, and the
	 * second connection's event arrives.
	 */
	private void reconnectsOnce(String first) throws InterruptedException {
		serve(first);
		StepVerifier.create(client().sse((web) -> web.get().uri("/")).map(SseEvent::data))
			.expectNext("a")
			.then(this::reconnect)
			.expectNext("2")
			.thenCancel()
			.verify(TIMEOUT);
	}

	private void reconnect() {
		try {
			Duration delay = this.time.nextDelay(TIMEOUT);
			assertThat(delay).as("reconnect delay").isNotNull();
			this.time.advanceTimeBy(delay);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Serve the given bodies, one per request; then each request gets the event with its
	 * number as data, on an open stream.
	 */
	private void serve(String... bodies) {
		this.server = LoopbackServer.start(this.heads.on(HttpServer.create())
			.route((routes) -> routes.route((request) -> true, (request, response) -> {
				int index = this.requests.getAndIncrement();
				response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
				if (index < bodies.length) {
					return response.sendString(Mono.just(bodies[index]), StandardCharsets.UTF_8);
				}
				String event = "data: " + (index + 1) + "\n\n";
				Flux<String> body = (bodies.length == 0) ? Flux.just(event)
						: Flux.concat(Mono.just(event), Flux.never());
				return response.sendString(body, StandardCharsets.UTF_8);
			})), "http");
	}

	private SentinelClient client() {
		ResilienceSupport support = ResilienceSupport.standalone(Clock.systemUTC(), () -> this.time, List.of());
		// No retries of a connection's request: reconnects are the only ones here.
		ClientSettings settings = ClientSettings.INHERIT.withBaseUrl(this.server.baseUrl())
			.withRetry(RetrySettings.INHERIT.withMaxRetries(0))
			.orElse(ClientSettings.DEFAULTS);
		SentinelClient client = new SentinelClientFactory(WebClient::builder, null, List.of(), support)
			.create("upstream", settings);
		this.clients.add(client);
		return client;
	}

}
