package io.httpsentinel.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;

import io.httpsentinel.resilience.AttemptEvent;
import io.httpsentinel.resilience.ResilienceSupport;
import io.httpsentinel.resilience.ResponseTooLargeException;
import io.httpsentinel.resilience.RetryListener;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What a client's {@code RestClient} adds to the pipeline it shares with the
 * {@code WebClient} (whose behaviour the resilience suites check for both): the shared
 * pool, request bodies, bodies read as streams, errors as the {@code RestClient} contract
 * has them, and the blocking ways to read events and to call an HTTP service interface.
 */
class RestClientIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final LoopbackServer server = LoopbackServer.start(
			(routes) -> routes
				.post("/echo",
						(request, response) -> response
							.header("content-type",
									request.requestHeaders()
										.get("content-type", MediaType.APPLICATION_OCTET_STREAM_VALUE))
							.send(request.receive().retain()))
				.get("/headers",
						(request, response) -> response
							.sendString(Mono.just(request.requestHeaders().get("x-api-key", "none"))))
				.get("/greeting/{name}",
						(request, response) -> response.header("content-type", "application/json")
							.sendString(Mono.just("{\"text\":\"hello " + request.param("name") + "\"}")))
				.get("/chunks",
						(request, response) -> response.header("content-type", "application/octet-stream")
							.sendString(Flux.just("first;").concatWith(Mono.never())))
				.get("/large/{type}",
						(request, response) -> response
							.header("content-type", request.param("type").replaceFirst("-", "/"))
							.sendString(Flux.range(0, 64).map((i) -> "x".repeat(16 * 1024))))
				.get("/events", (request, response) -> response.header("content-type", "text/event-stream")
					.sendString(Flux.just("id: 1\ndata: one\n\n", "id: 2\ndata: two\n\n").concatWith(Mono.never()))));

	private final TestClients clients = new TestClients();

	@AfterEach
	void stop() {
		this.clients.close();
		this.server.close();
	}

	@Test
	void baseUrlDefaultHeadersAndRequestBodiesApply() {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withDefaultHeaders(Map.of("x-api-key", "key-1")));
		assertThat(client.restClient().get().uri("/headers").retrieve().body(String.class)).isEqualTo("key-1");
		byte[] payload = new byte[200 * 1024];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (byte) i;
		}
		ResponseEntity<byte[]> echoed = client.restClient()
			.post()
			.uri("/echo")
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.body(payload)
			.retrieve()
			.toEntity(byte[].class);
		assertThat(echoed.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(echoed.getBody()).isEqualTo(payload);
	}

	@Test
	void bothApisShareOnePoolAndOnePipeline() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		assertThat(client.restClient().get().uri("/headers").retrieve().body(String.class)).isNotNull();
		assertThat(client.webClient().get().uri("/headers").retrieve().bodyToMono(String.class).block(TIMEOUT))
			.isNotNull();
		await().atMost(TIMEOUT).until(() -> client.pool().idle() == 1);
		// One connection: the second call, from the other API, reused the first's.
		assertThat(this.server.acceptedConnections()).isEqualTo(1);
		assertThat(client.metrics().totals().requests()).isEqualTo(2);
	}

	@Test
	void aBodyIsReadAsItArrivesAndClosingItEarlyClosesTheConnection() throws IOException {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		String first = client.restClient().get().uri("/chunks").exchange((request, response) -> {
			try (InputStream body = response.getBody()) {
				// The rest of the body never comes: this returns as soon as the first
				// chunk did.
				byte[] chunk = new byte[6];
				int read = 0;
				while (read < chunk.length) {
					read += body.read(chunk, read, chunk.length - read);
				}
				return new String(chunk, StandardCharsets.UTF_8);
			}
		});
		assertThat(first).isEqualTo("first;");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.server.closedConnections()).isEqualTo(1));
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.pool().active()).isZero());
	}

	@Test
	void aBufferedBodyOverTheLimitFailsWithTheTypedErrorButAStreamDoesNot() {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withMaxResponseSize(DataSize.ofKilobytes(64)));
		assertThatExceptionOfType(ResponseTooLargeException.class)
			.isThrownBy(() -> client.restClient().get().uri("/large/text-plain").retrieve().body(String.class))
			.withMessageContaining("'upstream'")
			.withMessageContaining("65536 bytes");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.pool().active()).isZero());
		// A stream of events or records is bounded per event by the reader, not as a
		// whole.
		byte[] stream = client.restClient().get().uri("/large/application-x-ndjson").retrieve().body(byte[].class);
		assertThat(stream).hasSize(64 * 16 * 1024);
	}

	@Test
	void anUnreachableHostFailsAsTheRestClientContractSays() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			closedPort = socket.getLocalPort();
		}
		SentinelClient client = this.clients.create(URI.create("http://127.0.0.1:" + closedPort),
				(settings) -> settings.withRetry(settings.retry().withMaxRetries(0)));
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> client.restClient().get().uri("/anything").retrieve().body(String.class))
			.withCauseInstanceOf(IOException.class);
	}

	@Test
	void aCallsOwnRetryListenerIsToldAboutItsAttempts() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		List<AttemptEvent> attempts = new CopyOnWriteArrayList<>();
		RetryListener listener = attempts::add;
		client.restClient()
			.get()
			.uri("/headers")
			.attribute(RetryListener.ATTRIBUTE, listener)
			.retrieve()
			.body(String.class);
		assertThat(attempts).singleElement().satisfies((event) -> assertThat(event.status()).isEqualTo(200));
	}

	@Test
	void customizersAdjustTheRestClientOfTheirClient() {
		AtomicReference<String> seen = new AtomicReference<>();
		SentinelClientCustomizer customizer = SentinelClientCustomizer.forClient("upstream",
				new SentinelClientCustomizer() {

					@Override
					public void customizeRestClient(String clientName, RestClient.Builder builder) {
						builder.requestInterceptor((request, body, execution) -> {
							seen.set(clientName + " " + request.getURI().getPath());
							return execution.execute(request, body);
						});
					}

				});
		SentinelClientFactory factory = new SentinelClientFactory(WebClient::builder, RestClient::builder, null,
				List.of(customizer), ResilienceSupport.standalone());
		SentinelClient client = this.clients.create(factory, this.server.baseUrl(), (settings) -> settings);
		client.restClient().get().uri("/headers").retrieve().body(String.class);
		assertThat(seen).hasValue("upstream /headers");
	}

	@Test
	void eventsAreReadFromBlockingCodeAndClosingTheStreamClosesTheConnection() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		List<String> data;
		try (Stream<SseEvent> events = client.sseStream((web) -> web.get().uri("/events"))) {
			data = events.limit(2).map((event) -> event.id() + ":" + event.data()).toList();
		}
		assertThat(data).containsExactly("1:one", "2:two");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.server.closedConnections()).isEqualTo(1));
	}

	@Test
	void anHttpServiceInterfaceIsBackedByTheClient() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), (settings) -> settings);
		GreetingApi api = client.httpService(GreetingApi.class);
		assertThat(api.greeting("ada")).isEqualTo(new Greeting("hello ada"));
		assertThat(api.echo("ping")).isEqualTo("ping");
		assertThat(client.metrics().totals().requests()).isEqualTo(2);
	}

	interface GreetingApi {

		@GetExchange("/greeting/{name}")
		Greeting greeting(@PathVariable("name") String name);

		@PostExchange(url = "/echo", contentType = MediaType.TEXT_PLAIN_VALUE)
		String echo(@RequestBody String text);

	}

	record Greeting(String text) {
	}

}
