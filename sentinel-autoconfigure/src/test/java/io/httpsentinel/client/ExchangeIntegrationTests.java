package io.httpsentinel.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.client.pool.ReadIdleTimeoutException;
import io.httpsentinel.client.pool.ResponseHeadersTimeoutException;
import io.httpsentinel.resilience.ResponseTooLargeException;
import io.httpsentinel.resilience.RetrySettings;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests and responses through a client against a real loopback server.
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

	@ParameterizedTest
	@ValueSource(strings = { "GET", "POST", "PUT", "PATCH", "DELETE" })
	void everyMethodSendsItsBodyAndReceivesTheResponseBody(String method) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		ResponseEntity<byte[]> response = client.webClient()
			.method(HttpMethod.valueOf(method))
			.uri("/echo")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"method\":\"" + method + "\"}")
			.retrieve()
			.toEntity(byte[].class)
			.block(TIMEOUT);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getHeaders().getFirst("x-method")).isEqualTo(method);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
		assertThat(new String(response.getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"method\":\"" + method + "\"}");
	}

	@Test
	void headRequestReturnsHeadersWithoutBody() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		ResponseEntity<Void> response = client.webClient()
			.head()
			.uri("/echo")
			.retrieve()
			.toBodilessEntity()
			.block(TIMEOUT);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getHeaders().getFirst("x-method")).isEqualTo("HEAD");
	}

	@Test
	void binaryBodiesRoundTripUnchanged() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		byte[] payload = new byte[256 * 1024];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (byte) i;
		}
		byte[] echoed = client.webClient()
			.post()
			.uri("/echo")
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.bodyValue(payload)
			.retrieve()
			.bodyToMono(byte[].class)
			.block(TIMEOUT);
		assertThat(echoed).isEqualTo(payload);
	}

	@Test
	void defaultHeadersAreSentWithEveryRequest() {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withDefaultHeaders(Map.of("x-api-key", "secret-1", "X-Other", "o")));
		assertThat(client.webClient().get().uri("/headers").retrieve().bodyToMono(String.class).block(TIMEOUT))
			.isEqualTo("secret-1,o");
	}

	@Test
	void oversizedBufferedBodyFailsWithTypedErrorAndReleasesTheConnection() {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withMaxResponseSize(DataSize.ofKilobytes(64)));
		StepVerifier.create(client.webClient().get().uri("/large").retrieve().bodyToMono(String.class))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(ResponseTooLargeException.class)
				.hasMessageContaining("'upstream'")
				.hasMessageContaining("65536 bytes"))
			.verify(TIMEOUT);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.pool().active()).isZero());
		// The 1 MiB body is streamed without limit when the caller asks for a stream.
		Long streamed = client.webClient()
			.get()
			.uri("/large")
			.retrieve()
			.bodyToFlux(byte[].class)
			.map((chunk) -> (long) chunk.length)
			.reduce(0L, Long::sum)
			.block(TIMEOUT);
		assertThat(streamed).isEqualTo(64L * 16 * 1024);
	}

	@Test
	void responseHeadersTimeoutFailsWithTypedErrorAndClosesTheConnection() {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withTimeouts(settings.timeouts().withResponseHeaders(Duration.ofMillis(300)))
					.withRetry(RetrySettings.INHERIT.withMaxRetries(0)));
		StepVerifier.create(client.webClient().get().uri("/silent").retrieve().bodyToMono(String.class))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(ResponseHeadersTimeoutException.class)
				.hasMessageContaining("'upstream'")
				.hasMessageContaining("response-headers"))
			.verify(TIMEOUT);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.server.closedConnections()).isEqualTo(1));
	}

	@Test
	void readIdleTimeoutFailsAStalledBodyWithTypedError() {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withTimeouts(settings.timeouts().withReadIdle(Duration.ofMillis(300))));
		StepVerifier
			.create(client.webClient().get().uri("/stalls-after-first-chunk").retrieve().bodyToFlux(String.class))
			.expectNext("first")
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(ReadIdleTimeoutException.class)
				.hasMessageContaining("'upstream'")
				.hasMessageContaining("read-idle"))
			.verify(TIMEOUT);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.server.closedConnections()).isEqualTo(1));
	}

	@Test
	void readIdleTimeoutDoesNotCloseAPooledConnectionBetweenRequests() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings.withTimeouts(
				settings.timeouts().withReadIdle(Duration.ofMillis(200)).withResponseHeaders(Duration.ofMillis(200))));
		assertThat(client.webClient().get().uri("/headers").retrieve().bodyToMono(String.class).block(TIMEOUT))
			.isNotNull();
		await().atMost(TIMEOUT).until(() -> client.pool().idle() == 1);
		// Idle in the pool for longer than both timeouts: neither may fire on it.
		await().pollDelay(Duration.ofMillis(600)).atMost(TIMEOUT).until(() -> true);
		assertThat(this.server.closedConnections()).isZero();
		assertThat(client.webClient().get().uri("/headers").retrieve().bodyToMono(String.class).block(TIMEOUT))
			.isNotNull();
		assertThat(this.server.acceptedConnections()).isEqualTo(1);
	}

	@Test
	void http2CleartextIsUsedWhenEnabled() {
		try (LoopbackServer h2c = LoopbackServer.start(HttpServer.create()
			.protocol(HttpProtocol.H2C, HttpProtocol.HTTP11)
			.handle((request, response) -> response.header("x-protocol", request.protocol())
				.sendString(Mono.just("ok"))), "http")) {
			SentinelClient client = this.clients.create(h2c.baseUrl(), (settings) -> settings.withHttp2(true));
			for (int i = 0; i < 3; i++) {
				ResponseEntity<String> response = client.webClient()
					.get()
					.uri("/")
					.retrieve()
					.toEntity(String.class)
					.block(TIMEOUT);
				assertThat(response.getBody()).isEqualTo("ok");
				assertThat(response.getHeaders().getFirst("x-protocol")).isEqualTo("HTTP/2.0");
			}
			assertThat(h2c.acceptedConnections()).isEqualTo(1);
		}
	}

	@Test
	void http2FallsBackToHttp11WhenTheServerOnlySpeaksHttp11() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings.withHttp2(true));
		ResponseEntity<String> response = client.webClient()
			.post()
			.uri("/echo")
			.bodyValue("fallback")
			.retrieve()
			.toEntity(String.class)
			.block(TIMEOUT);
		assertThat(response.getBody()).isEqualTo("fallback");
		assertThat(response.getHeaders().getFirst("x-protocol")).isEqualTo("HTTP/1.1");
	}

}
