package io.httpsentinel.resilience;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.pool.ResponseHeadersTimeoutException;
import io.httpsentinel.client.pool.TimeoutSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries through a real client against OkHttp's MockWebServer on loopback.
 */
class RetryIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final MockWebServer server = new MockWebServer();

	private final ResilientClients clients = new ResilientClients(Clock.systemUTC());

	@BeforeEach
	void start() throws IOException {
		this.server.start(java.net.InetAddress.getLoopbackAddress(), 0);
	}

	@AfterEach
	void stop() {
		this.clients.close();
		this.server.close();
	}

	@ParameterizedTest
	@ValueSource(ints = { 408, 429, 500, 502, 503, 504, 529 })
	void retryableStatusIsRetried(int status) {
		this.server.enqueue(new MockResponse.Builder().code(status).body("busy").build());
		this.server.enqueue(ok("done"));
		assertThat(get(fastClient()).block(TIMEOUT)).isEqualTo("done");
		assertThat(this.server.getRequestCount()).isEqualTo(2);
		assertThat(this.clients.attempts).first().satisfies((event) -> {
			assertThat(event.status()).isEqualTo(status);
			assertThat(event.decision().retry()).isTrue();
		});
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 401, 404, 409, 501 })
	void otherStatusesAreReturnedAsTheyAre(int status) {
		this.server.enqueue(new MockResponse.Builder().code(status).build());
		StepVerifier.create(get(fastClient()))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(WebClientResponseException.class)
				.satisfies((ex) -> assertThat(((WebClientResponseException) ex).getStatusCode().value())
					.isEqualTo(status)))
			.verify(TIMEOUT);
		assertThat(this.server.getRequestCount()).isEqualTo(1);
	}

	@Test
	void retriesStopAfterMaxRetriesAndReturnTheLastResponse() {
		for (int i = 0; i < 3; i++) {
			this.server.enqueue(new MockResponse.Builder().code(503).body("attempt " + i).build());
		}
		StepVerifier.create(get(fastClient()))
			.expectErrorSatisfies((error) -> assertThat(((WebClientResponseException) error).getResponseBodyAsString())
				.isEqualTo("attempt 2"))
			.verify(TIMEOUT);
		assertThat(this.server.getRequestCount()).isEqualTo(3);
		assertThat(this.clients.reasons()).containsExactly("status-503", "status-503", "max-retries");
	}

	@Test
	void errorOfTheLastAttemptIsNotRetriedAgainByAnEarlierOne() {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).build());
		this.server.enqueue(ok("one attempt too many"));
		SentinelClient client = this.clients.create(url(), (settings) -> fast(settings)
			.withTimeouts(TimeoutSettings.INHERIT.withResponseHeaders(Duration.ofMillis(300))));
		StepVerifier.create(get(client)).expectError(ResponseHeadersTimeoutException.class).verify(TIMEOUT);
		assertThat(this.server.getRequestCount()).isEqualTo(3);
		assertThat(this.clients.reasons()).containsExactly("status-503", "status-503", "max-retries");
	}

	@Test
	void retryAfterSecondsIsHonoured() {
		this.server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "1").build());
		this.server.enqueue(ok("done"));
		long start = System.nanoTime();
		assertThat(get(fastClient()).block(TIMEOUT)).isEqualTo("done");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
		assertThat(this.clients.attempts.get(0).decision()).satisfies((decision) -> {
			assertThat(decision.reason()).isEqualTo("retry-after");
			assertThat(decision.delay()).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1100));
		});
	}

	@Test
	void retryAfterHttpDateIsHonoured() {
		// Whole seconds only in an HTTP-date: 2s ahead means a wait of more than 1s.
		String date = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2).truncatedTo(ChronoUnit.SECONDS));
		this.server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", date).build());
		this.server.enqueue(ok("done"));
		long start = System.nanoTime();
		assertThat(get(fastClient()).block(TIMEOUT)).isEqualTo("done");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(1));
		assertThat(this.clients.attempts.get(0).decision()).satisfies((decision) -> {
			assertThat(decision.reason()).isEqualTo("retry-after");
			assertThat(decision.delay()).isBetween(Duration.ofSeconds(1), Duration.ofMillis(2300));
		});
	}

	@Test
	void retryAfterMillisecondsIsHonouredOn429() {
		this.server.enqueue(new MockResponse.Builder().code(429).setHeader("retry-after-ms", "250").build());
		this.server.enqueue(ok("done"));
		long start = System.nanoTime();
		assertThat(get(fastClient()).block(TIMEOUT)).isEqualTo("done");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
		assertThat(this.clients.attempts.get(0).decision().delay()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
	}

	@Test
	void shouldRetryFalseHeaderStopsARetry() {
		this.server.enqueue(new MockResponse.Builder().code(503).setHeader("x-should-retry", "false").build());
		StepVerifier.create(get(fastClient())).expectError(WebClientResponseException.class).verify(TIMEOUT);
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(this.clients.reasons()).containsExactly("server-said-no");
	}

	@Test
	void postIsNotRetriedAfterAResponseHeadersTimeout() {
		this.server.enqueue(new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).body("late").build());
		SentinelClient client = this.clients.create(url(), (settings) -> fast(settings)
			.withTimeouts(TimeoutSettings.INHERIT.withResponseHeaders(Duration.ofMillis(300))));
		StepVerifier.create(client.webClient().post().uri("/").bodyValue("{}").retrieve().bodyToMono(String.class))
			.expectError(ResponseHeadersTimeoutException.class)
			.verify(TIMEOUT);
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(this.clients.reasons()).containsExactly("non-idempotent");
	}

	@Test
	void getIsRetriedAfterAResponseHeadersTimeout() {
		this.server.enqueue(new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).body("late").build());
		this.server.enqueue(ok("done"));
		SentinelClient client = this.clients.create(url(), (settings) -> fast(settings)
			.withTimeouts(TimeoutSettings.INHERIT.withResponseHeaders(Duration.ofMillis(300))));
		assertThat(get(client).block(TIMEOUT)).isEqualTo("done");
		assertThat(this.clients.reasons()).containsExactly("response-headers-timeout", "success");
	}

	@Test
	void getIsRetriedWhenTheConnectionDropsBeforeTheResponse() {
		this.server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
		this.server.enqueue(ok("done"));
		assertThat(get(fastClient()).block(TIMEOUT)).isEqualTo("done");
		assertThat(this.clients.reasons()).containsExactly("reset-before-response", "success");
	}

	@Test
	void postIsNotRetriedWhenTheConnectionDropsAfterTheRequestWasSent() {
		this.server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
		SentinelClient client = fastClient();
		StepVerifier.create(client.webClient().post().uri("/").bodyValue("{}").retrieve().bodyToMono(String.class))
			.expectError()
			.verify(TIMEOUT);
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(this.clients.reasons()).containsExactly("non-idempotent");
	}

	@Test
	void postIsRetriedWhenTheConnectionIsRefused() throws IOException {
		URI closedPort = closedPortUrl();
		SentinelClient client = this.clients.create(closedPort, this::fast);
		StepVerifier.create(client.webClient().post().uri("/").bodyValue("{}").retrieve().bodyToMono(String.class))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(WebClientRequestException.class)
				.rootCause()
				.isInstanceOf(java.net.ConnectException.class))
			.verify(TIMEOUT);
		assertThat(this.clients.reasons()).containsExactly("connect", "connect", "max-retries");
	}

	@Test
	void postIsRetriedOnRetryableStatusWhenNonIdempotentRetriesAreOn() {
		this.server.enqueue(new MockResponse.Builder().code(529).build());
		this.server.enqueue(ok("done"));
		SentinelClient client = this.clients.create(url(),
				(settings) -> fast(settings).withRetry(fastRetry().withNonIdempotent(true)));
		assertThat(
				client.webClient().post().uri("/").bodyValue("{}").retrieve().bodyToMono(String.class).block(TIMEOUT))
			.isEqualTo("done");
		assertThat(this.server.getRequestCount()).isEqualTo(2);
	}

	@Test
	void postIsNotRetriedOnRetryableStatusByDefault() {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		StepVerifier
			.create(fastClient().webClient().post().uri("/").bodyValue("{}").retrieve().bodyToMono(String.class))
			.expectError(WebClientResponseException.class)
			.verify(TIMEOUT);
		assertThat(this.server.getRequestCount()).isEqualTo(1);
	}

	@Test
	void idempotencyKeyIsTheSameOnEveryAttempt() throws InterruptedException {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(ok("done"));
		SentinelClient client = this.clients.create(url(), (settings) -> fast(settings)
			.withRetry(fastRetry().withNonIdempotent(true).withIdempotencyKeyHeader("Idempotency-Key")));
		assertThat(
				client.webClient().post().uri("/").bodyValue("{}").retrieve().bodyToMono(String.class).block(TIMEOUT))
			.isEqualTo("done");
		String first = header(this.server.takeRequest(5, TimeUnit.SECONDS), "Idempotency-Key");
		assertThat(first).isNotBlank();
		assertThat(header(this.server.takeRequest(5, TimeUnit.SECONDS), "Idempotency-Key")).isEqualTo(first);
		assertThat(header(this.server.takeRequest(5, TimeUnit.SECONDS), "Idempotency-Key")).isEqualTo(first);
		// A new call gets a new key.
		this.server.enqueue(ok("again"));
		client.webClient().post().uri("/").bodyValue("{}").retrieve().bodyToMono(String.class).block(TIMEOUT);
		assertThat(header(this.server.takeRequest(5, TimeUnit.SECONDS), "Idempotency-Key")).isNotEqualTo(first);
	}

	@Test
	void streamedRequestBodyIsNotRetriedOnceSent() {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		SentinelClient client = this.clients.create(url(),
				(settings) -> fast(settings).withRetry(fastRetry().withNonIdempotent(true)));
		StepVerifier
			.create(client.webClient()
				.post()
				.uri("/")
				.body(reactor.core.publisher.Flux.just("a", "b", "c"), String.class)
				.retrieve()
				.bodyToMono(String.class))
			.expectError(WebClientResponseException.class)
			.verify(TIMEOUT);
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(this.clients.reasons()).containsExactly("body-not-replayable");
	}

	@Test
	void longRetryAfterPausesEveryCallerOfTheClient() {
		this.server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "120").build());
		SentinelClient client = fastClient();
		StepVerifier.create(get(client))
			.expectErrorSatisfies(
					(error) -> assertThat(((WebClientResponseException) error).getStatusCode().value()).isEqualTo(429))
			.verify(TIMEOUT);
		assertThat(this.clients.reasons()).containsExactly("retry-after-too-long");
		StepVerifier.create(get(client))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(HostPausedException.class)
				.hasMessageContaining("'upstream'"))
			.verify(TIMEOUT);
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(client.hostPause().pausedUntil()).isPresent();
		client.hostPause().resume();
		this.server.enqueue(ok("back"));
		assertThat(get(client).block(TIMEOUT)).isEqualTo("back");
	}

	@Test
	void totalTimeoutStopsACallThatWouldRetryForMinutes() {
		for (int i = 0; i < 20; i++) {
			this.server.enqueue(new MockResponse.Builder().code(503).build());
		}
		SentinelClient client = this.clients.create(url(),
				(settings) -> settings
					.withRetry(RetrySettings.INHERIT.withMaxRetries(100)
						.withBackoff(Duration.ofMillis(500), 2.0, Duration.ofMinutes(1), 0.0))
					.withTimeouts(TimeoutSettings.INHERIT.withTotal(Duration.ofMillis(2500))
						.withResponseHeaders(Duration.ofMillis(500))));
		long start = System.nanoTime();
		StepVerifier.create(get(client)).expectError(WebClientResponseException.class).verify(TIMEOUT);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
		// 500ms + 1s of backoff fit (with 1s to spare for the three attempts themselves
		// on a
		// loaded machine); the next 2s would end past the deadline.
		assertThat(this.server.getRequestCount()).isEqualTo(3);
		assertThat(this.clients.reasons()).last().isEqualTo("deadline");
	}

	@Test
	void totalTimeoutCancelsAnAttemptInFlight() {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().headersDelay(10, TimeUnit.SECONDS).build());
		// The retry starts after 1s; its headers timeout would end after 3.5s, the call's
		// at 3s. Wide margins: the first attempt may take up to 2s on a loaded machine.
		SentinelClient client = this.clients.create(url(),
				(settings) -> settings
					.withRetry(
							RetrySettings.INHERIT.withBackoff(Duration.ofSeconds(1), 1.0, Duration.ofSeconds(1), 0.0))
					.withTimeouts(TimeoutSettings.INHERIT.withTotal(Duration.ofSeconds(3))
						.withResponseHeaders(Duration.ofMillis(2500))));
		StepVerifier.create(get(client))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(TotalTimeoutException.class)
				.hasMessageContaining("timeouts.total"))
			.verify(TIMEOUT);
		assertThat(this.clients.reasons()).containsExactly("status-503", "error-not-retryable");
	}

	@Test
	void totalTimeoutCoversReadingABufferedBody() {
		this.server.enqueue(new MockResponse.Builder().bodyDelay(3, TimeUnit.SECONDS).body("slow body").build());
		SentinelClient client = this.clients.create(url(), (settings) -> settings.withTimeouts(
				TimeoutSettings.INHERIT.withTotal(Duration.ofMillis(800)).withResponseHeaders(Duration.ofMillis(400))));
		StepVerifier.create(get(client)).expectError(TotalTimeoutException.class).verify(TIMEOUT);
	}

	@Test
	void listenerSeesEveryAttempt() {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().code(502).build());
		this.server.enqueue(ok("done"));
		java.util.List<AttemptEvent> perCall = new java.util.concurrent.CopyOnWriteArrayList<>();
		String body = fastClient().webClient()
			.get()
			.uri("/items/42?key=secret")
			.attributes(RetryListener.forCall(perCall::add))
			.retrieve()
			.bodyToMono(String.class)
			.block(TIMEOUT);
		assertThat(body).isEqualTo("done");
		assertThat(perCall).extracting(AttemptEvent::attempt).containsExactly(1, 2, 3);
		assertThat(perCall).extracting(AttemptEvent::status).containsExactly(503, 502, 200);
		assertThat(perCall).extracting((event) -> event.decision().retry()).containsExactly(true, true, false);
		assertThat(perCall).allSatisfy((event) -> {
			assertThat(event.clientName()).isEqualTo("upstream");
			assertThat(event.path()).isEqualTo("/items/42");
		});
		assertThat(perCall.get(0).decision().delay()).isBetween(Duration.ofMillis(5), Duration.ofMillis(10));
		assertThat(this.clients.attempts).hasSize(3);
	}

	private SentinelClient fastClient() {
		return this.clients.create(url(), this::fast);
	}

	private ClientSettings fast(ClientSettings settings) {
		return settings.withRetry(fastRetry());
	}

	private static RetrySettings fastRetry() {
		return RetrySettings.INHERIT.withBackoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(50), 0.5);
	}

	private URI url() {
		return URI.create("http://127.0.0.1:" + this.server.getPort());
	}

	private static URI closedPortUrl() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return URI.create("http://127.0.0.1:" + socket.getLocalPort());
		}
	}

	private static MockResponse ok(String body) {
		return new MockResponse.Builder().code(200).body(body).build();
	}

	private static Mono<String> get(SentinelClient client) {
		return client.webClient().get().uri("/").retrieve().bodyToMono(String.class);
	}

	private static String header(RecordedRequest request, String name) {
		return request.getHeaders().get(name);
	}

}
