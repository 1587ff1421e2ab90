package io.httpsentinel.sse.proxy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.SentinelClientCustomizer;
import io.httpsentinel.sse.SseEvent;

import static io.httpsentinel.sse.proxy.ProxyApp.breaksOffAfter;
import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static io.httpsentinel.testsupport.RawRequestHeads.utf8Hex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The headers of the requests {@link SseProxy} sends upstream, as bytes on the wire: the
 * proxy's event-stream headers over the client's default headers and the request's own.
 */
class SseProxyUpstreamRequestTests {

	private ProxyApp app;

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void acceptsAnEventStreamWithoutCachingOverTheClientsDefaultHeaders() throws Exception {
		this.app = ProxyApp.builder()
			.properties("sentinel.clients.up.default-headers.Accept=application/json",
					"sentinel.clients.up.default-headers.Cache-Control=max-age=60",
					"sentinel.clients.up.default-headers.X-Api-Key=secret")
			.start()
			.upstream(eventStream("data: a\n\n"));
		assertThat(dataOfStream()).containsExactly("a");
		assertThat(this.app.upstreamHeads.values("Accept")).containsExactly(utf8Hex("text/event-stream"));
		assertThat(this.app.upstreamHeads.values("Cache-Control")).containsExactly(utf8Hex("no-cache"));
		assertThat(this.app.upstreamHeads.values("X-Api-Key")).containsExactly(utf8Hex("secret"));
	}

	@Test
	void keepsTheAcceptTheRequestSetsButNotItsCacheControl() throws Exception {
		this.app = ProxyApp.builder()
			.properties("sentinel.clients.up.default-headers.Accept=application/json")
			.start()
			.upstream(eventStream("data: a\n\n"))
			.endpoint((proxy, client) -> proxy.forward(client,
					(web) -> web.get().uri("/stream").accept(MediaType.ALL).header("Cache-Control", "max-age=60")));
		assertThat(dataOfStream()).containsExactly("a");
		assertThat(this.app.upstreamHeads.values("Accept")).containsExactly(utf8Hex("*/*"));
		assertThat(this.app.upstreamHeads.values("Cache-Control")).containsExactly(utf8Hex("no-cache"));
	}

	@Test
	void aResumeWithoutAnIdLeavesOutTheIdTheRequestSets() throws Exception {
		this.app = ProxyApp.builder()
			.properties(SseProxyResumeTests.RESUME)
			.start()
			// The second connection has no id to send: the first one forwarded no event.
			.upstream(breaksOffAfter(": a\n\n"), eventStream("data: b\n\n"))
			.endpoint((proxy, client) -> proxy.forward(client,
					(web) -> web.get().uri("/stream").header("Last-Event-ID", "7")));
		assertThat(dataOfStream()).containsExactly("b");
		assertThat(this.app.upstreamHeads.values("Last-Event-ID")).containsExactly(utf8Hex("7"), "-");
		assertThat(this.app.upstreamHeads.values("Accept")).containsExactly(utf8Hex("text/event-stream"),
				utf8Hex("text/event-stream"));
	}

	@Test
	void theClientsFiltersSeeTheEventStreamHeadersOfEachConnection() throws Exception {
		// Set as each request is sent rather than kept in the request's headers map:
		// a filter (signing, auditing, the exchange log) must still see them.
		List<String> seen = new CopyOnWriteArrayList<>();
		ExchangeFilterFunction recording = (request, next) -> {
			HttpHeaders headers = request.headers();
			seen.add(headers.getFirst("Accept") + " " + headers.getFirst("Cache-Control") + " "
					+ headers.getFirst("Last-Event-ID"));
			return next.exchange(request);
		};
		this.app = ProxyApp.builder()
			.properties(SseProxyResumeTests.RESUME)
			.bean("recordingFilter", new SentinelClientCustomizer() {

				@Override
				public void customizeWebClient(String clientName, WebClient.Builder builder) {
					builder.filter(recording);
				}

			})
			.start()
			.upstream(breaksOffAfter("id: 5\ndata: a\n\n"), eventStream("id: 6\ndata: b\n\n"));
		assertThat(dataOfStream()).containsExactly("a", "b");
		assertThat(seen).containsExactly("text/event-stream no-cache null", "text/event-stream no-cache 5");
		assertThat(this.app.upstreamHeads.values("Last-Event-ID")).containsExactly("-", utf8Hex("5"));
	}

	private List<String> dataOfStream() throws Exception {
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.status()).isEqualTo(200);
			return downstream.events().stream().map(SseEvent::data).toList();
		}
	}

}
