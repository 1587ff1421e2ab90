package io.httpsentinel.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.client.pool.PoolAcquireTimeoutException;
import io.httpsentinel.client.pool.ReadIdleTimeoutException;
import io.httpsentinel.client.pool.ResponseHeadersTimeoutException;
import io.httpsentinel.resilience.ResponseTooLargeException;
import io.httpsentinel.resilience.RetrySettings;
import io.httpsentinel.testsupport.ClientKind;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.TestClients;
import io.httpsentinel.testsupport.TestRequest;
import io.httpsentinel.testsupport.TestResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Requests and responses through a client against a real loopback server, once through
 * each {@link ClientKind} with the same assertions.
 */
class ExchangeIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final LoopbackServer server = LoopbackServer.start(
			(routes) -> routes
				.route((request) -> request.uri().startsWith("/echo"),
						(request, response) -> response.header("x-method", request.method().name())
							.header("x-protocol", request.protocol())
							.header("content-type",
									request.requestHeaders()
										.get("content-type", MediaType.APPLICATION_OCTET_STREAM_VALUE))
							.send(request.receive().retain()))
				.get("/large",
						(request, response) -> response.header("content-type", "text/plain")
							.sendString(Flux.range(0, 64).map((i) -> "x".repeat(16 * 1024))))
				.get("/large-events",
						(request, response) -> response.header("content-type", "text/event-stream")
							.sendString(Flux.range(0, 64).map((i) -> "x".repeat(16 * 1024))))
				.get("/silent", (request, response) -> response.sendString(Mono.never()))
				.get("/stalls-after-first-chunk",
						(request, response) -> response.sendString(Flux.just("first\n").concatWith(Mono.never())))
				.get("/headers", (request, response) -> response.sendString(Mono
					.just(request.requestHeaders().get("x-api-key") + "," + request.requestHeaders().get("x-other")))));

	private final TestClients clients = new TestClients();

	@AfterEach
	void stop() {
		this.clients.close();
		this.server.close();
	}

	static Stream<Arguments> methods() {
		return ClientKind.withEach("GET", "POST", "PUT", "PATCH", "DELETE");
	}

	@ParameterizedTest
	@MethodSource("methods")
	void everyMethodSendsItsBodyAndReceivesTheResponseBody(ClientKind kind, String method) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		String body = "{\"method\":\"" + method + "\"}";
		TestResponse response = kind.exchange(client,
				TestRequest.of(HttpMethod.valueOf(method), "/echo")
					.withContentType(MediaType.APPLICATION_JSON)
					.withBody(body));
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.headers().getFirst("x-method")).isEqualTo(method);
		assertThat(response.headers().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
		assertThat(response.text()).isEqualTo(body);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void headRequestReturnsHeadersWithoutBody(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		TestResponse response = kind.exchange(client, TestRequest.of(HttpMethod.HEAD, "/echo"));
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.headers().getFirst("x-method")).isEqualTo("HEAD");
		assertThat(response.body()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void binaryBodiesRoundTripUnchanged(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		byte[] payload = new byte[256 * 1024];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (byte) i;
		}
		TestResponse echoed = kind.exchange(client,
				TestRequest.post("/echo", payload).withContentType(MediaType.APPLICATION_OCTET_STREAM));
		assertThat(echoed.body()).isEqualTo(payload);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void defaultHeadersAreSentWithEveryRequest(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withDefaultHeaders(Map.of("x-api-key", "secret-1", "X-Other", "o")));
		assertThat(kind.get(client, "/headers")).isEqualTo("secret-1,o");
		assertThat(kind.get(client, "/headers")).isEqualTo("secret-1,o");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void oversizedBufferedBodyFailsWithTypedErrorAndReleasesTheConnection(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withMaxResponseSize(DataSize.ofKilobytes(64)));
		assertThatExceptionOfType(ResponseTooLargeException.class).isThrownBy(() -> kind.get(client, "/large"))
			.withMessageContaining("'upstream'")
			.withMessageContaining("65536 bytes");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.pool().active()).isZero());
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void eventStreamIsReadWithoutTheSizeLimit(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withMaxResponseSize(DataSize.ofKilobytes(64)));
		assertThat(streamedLength(kind, client, "/large-events")).isEqualTo(64L * 16 * 1024);
	}

	@Test
	void webClientStreamsAnyBodyWithoutTheSizeLimit() {
		// bodyToFlux tells the WebClient that the caller streams, whatever the type.
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withMaxResponseSize(DataSize.ofKilobytes(64)));
		assertThat(streamedLength(ClientKind.WEB_CLIENT, client, "/large")).isEqualTo(64L * 16 * 1024);
	}

	@Test
	void restClientLimitsABodyThatIsNoStreamEvenWhenReadAsAStream() {
		// The request factory cannot tell how the caller reads: the content type decides.
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withMaxResponseSize(DataSize.ofKilobytes(64)));
		assertThatExceptionOfType(ResponseTooLargeException.class)
			.isThrownBy(() -> streamedLength(ClientKind.REST_CLIENT, client, "/large"));
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void streamedBodyReachesTheCallerAsItArrivesAndClosingItClosesTheConnection(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		List<String> chunks = new CopyOnWriteArrayList<>();
		long start = System.nanoTime();
		// The rest never comes: the first chunk must not wait for more to fill a buffer.
		kind.stream(client, TestRequest.get("/stalls-after-first-chunk"), (chunk) -> !chunks.add(chunk));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(chunks).containsExactly("first\n");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.server.closedConnections()).isEqualTo(1));
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void responseHeadersTimeoutFailsWithTypedErrorAndClosesTheConnection(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withTimeouts(settings.timeouts().withResponseHeaders(Duration.ofMillis(300)))
					.withRetry(RetrySettings.INHERIT.withMaxRetries(0)));
		assertThatExceptionOfType(ResponseHeadersTimeoutException.class).isThrownBy(() -> kind.get(client, "/silent"))
			.withMessageContaining("'upstream'")
			.withMessageContaining("response-headers");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.server.closedConnections()).isEqualTo(1));
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void poolAcquireTimeoutFailsWithTypedError(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings
			.withPool(settings.pool().withMaxConnections(1).withPendingAcquire(10, Duration.ofMillis(200))));
		// The only connection stays busy until the client closes.
		client.webClient().get().uri("/silent").retrieve().bodyToMono(String.class).subscribe(null, (error) -> {
		});
		await().atMost(TIMEOUT).until(() -> client.pool().active() == 1);
		assertThatExceptionOfType(PoolAcquireTimeoutException.class).isThrownBy(() -> kind.get(client, "/headers"))
			.withMessageContaining("'upstream'")
			.withMessageContaining("pending-acquire-timeout");
		assertThat(this.server.acceptedConnections()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void readIdleTimeoutFailsAStalledBodyWithTypedError(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withTimeouts(settings.timeouts().withReadIdle(Duration.ofMillis(300))));
		List<String> chunks = new CopyOnWriteArrayList<>();
		Throwable error = catchThrowable(
				() -> kind.stream(client, TestRequest.get("/stalls-after-first-chunk"), chunks::add));
		assertThat(chunks).containsExactly("first\n");
		assertThat(error).isInstanceOf(ReadIdleTimeoutException.class)
			.hasMessageContaining("'upstream'")
			.hasMessageContaining("read-idle");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.server.closedConnections()).isEqualTo(1));
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void readIdleTimeoutDoesNotCloseAPooledConnectionBetweenRequests(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings.withTimeouts(
				settings.timeouts().withReadIdle(Duration.ofMillis(200)).withResponseHeaders(Duration.ofMillis(200))));
		assertThat(kind.get(client, "/headers")).isNotNull();
		await().atMost(TIMEOUT).until(() -> client.pool().idle() == 1);
		// Idle in the pool for longer than both timeouts: neither may fire on it.
		await().pollDelay(Duration.ofMillis(600)).atMost(TIMEOUT).until(() -> true);
		assertThat(this.server.closedConnections()).isZero();
		assertThat(kind.get(client, "/headers")).isNotNull();
		assertThat(this.server.acceptedConnections()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void responseHeadersTimeoutStillFiresOnAReusedConnectionWhoseReadIdleTimeoutIsLonger(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings
			.withTimeouts(
					settings.timeouts().withReadIdle(Duration.ofMinutes(5)).withResponseHeaders(Duration.ofMillis(300)))
			.withRetry(RetrySettings.INHERIT.withMaxRetries(0)));
		assertThat(kind.get(client, "/headers")).isNotNull();
		await().atMost(TIMEOUT).until(() -> client.pool().idle() == 1);
		long start = System.nanoTime();
		assertThatExceptionOfType(ResponseHeadersTimeoutException.class).isThrownBy(() -> kind.get(client, "/silent"))
			.withMessageContaining("response-headers");
		// On the same connection as the first exchange, whose read-idle timer was set for
		// minutes.
		assertThat(this.server.acceptedConnections()).isEqualTo(1);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void http2CleartextIsUsedWhenEnabled(ClientKind kind) {
		try (LoopbackServer h2c = LoopbackServer.start(HttpServer.create()
			.protocol(HttpProtocol.H2C, HttpProtocol.HTTP11)
			.handle((request, response) -> response.header("x-protocol", request.protocol())
				.sendString(Mono.just("ok"))), "http")) {
			SentinelClient client = this.clients.create(h2c.baseUrl(), (settings) -> settings.withHttp2(true));
			for (int i = 0; i < 3; i++) {
				TestResponse response = kind.exchange(client, TestRequest.get("/"));
				assertThat(response.text()).isEqualTo("ok");
				assertThat(response.headers().getFirst("x-protocol")).isEqualTo("HTTP/2.0");
			}
			assertThat(h2c.acceptedConnections()).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void http2FallsBackToHttp11WhenTheServerOnlySpeaksHttp11(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings.withHttp2(true));
		TestResponse response = kind.exchange(client, TestRequest.post("/echo", "fallback"));
		assertThat(response.text()).isEqualTo("fallback");
		assertThat(response.headers().getFirst("x-protocol")).isEqualTo("HTTP/1.1");
	}

	private static long streamedLength(ClientKind kind, SentinelClient client, String path) {
		AtomicLong length = new AtomicLong();
		kind.stream(client, TestRequest.get(path), (chunk) -> {
			length.addAndGet(chunk.length());
			return true;
		});
		return length.get();
	}

}
