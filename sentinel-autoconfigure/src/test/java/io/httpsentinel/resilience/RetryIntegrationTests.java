package io.httpsentinel.resilience;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.pool.ResponseHeadersTimeoutException;
import io.httpsentinel.client.pool.TimeoutSettings;
import io.httpsentinel.testsupport.ClientKind;
import io.httpsentinel.testsupport.ErrorStatus;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.TestRequest;
import io.httpsentinel.testsupport.TestRequest.StreamedBody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Retries through a real client against OkHttp's MockWebServer on loopback, once through
 * each {@link ClientKind} with the same assertions.
 */
class RetryIntegrationTests {

	private final MockWebServer server = new MockWebServer();

	private final ResilientClients clients = new ResilientClients(Clock.systemUTC());

	@BeforeEach
	void start() throws IOException {
		this.server.start(InetAddress.getLoopbackAddress(), 0);
	}

	@AfterEach
	void stop() {
		this.clients.close();
		this.server.close();
	}

	static Stream<Arguments> retryableStatuses() {
		return ClientKind.withEach(408, 429, 500, 502, 503, 504, 529);
	}

	@ParameterizedTest
	@MethodSource("retryableStatuses")
	void retryableStatusIsRetried(ClientKind kind, int status) {
		this.server.enqueue(new MockResponse.Builder().code(status).body("busy").build());
		this.server.enqueue(ok("done"));
		assertThat(kind.get(fastClient(), "/")).isEqualTo("done");
		assertThat(this.server.getRequestCount()).isEqualTo(2);
		assertThat(this.clients.attempts).first().satisfies((event) -> {
			assertThat(event.status()).isEqualTo(status);
			assertThat(event.decision().retry()).isTrue();
		});
	}

	static Stream<Arguments> otherStatuses() {
		return ClientKind.withEach(400, 401, 404, 409, 501);
	}

	@ParameterizedTest
	@MethodSource("otherStatuses")
	void otherStatusesAreReturnedAsTheyAre(ClientKind kind, int status) {
		this.server.enqueue(new MockResponse.Builder().code(status).body("as is").build());
		SentinelClient client = fastClient();
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"))
			.satisfies((error) -> assertThat(error.status()).isEqualTo(status))
			.satisfies((error) -> assertThat(error.body()).isEqualTo("as is"));
		assertThat(this.server.getRequestCount()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void retriesStopAfterMaxRetriesAndReturnTheLastResponse(ClientKind kind) {
		for (int i = 0; i < 3; i++) {
			this.server.enqueue(new MockResponse.Builder().code(503).body("attempt " + i).build());
		}
		SentinelClient client = fastClient();
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"))
			.satisfies((error) -> assertThat(error.body()).isEqualTo("attempt 2"));
		assertThat(this.server.getRequestCount()).isEqualTo(3);
		assertThat(this.clients.reasons()).containsExactly("status-503", "status-503", "max-retries");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void errorOfTheLastAttemptIsNotRetriedAgainByAnEarlierOne(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).build());
		this.server.enqueue(ok("one attempt too many"));
		SentinelClient client = this.clients.create(url(), (settings) -> fast(settings)
			.withTimeouts(TimeoutSettings.INHERIT.withResponseHeaders(Duration.ofMillis(300))));
		assertThatExceptionOfType(ResponseHeadersTimeoutException.class).isThrownBy(() -> kind.get(client, "/"));
		assertThat(this.server.getRequestCount()).isEqualTo(3);
		assertThat(this.clients.reasons()).containsExactly("status-503", "status-503", "max-retries");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void retryAfterSecondsIsHonoured(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "1").build());
		this.server.enqueue(ok("done"));
		SentinelClient client = fastClient();
		long start = System.nanoTime();
		assertThat(kind.get(client, "/")).isEqualTo("done");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
		assertThat(this.clients.attempts.get(0).decision()).satisfies((decision) -> {
			assertThat(decision.reason()).isEqualTo("retry-after");
			assertThat(decision.delay()).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1100));
		});
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void retryAfterHttpDateIsHonoured(ClientKind kind) {
		// Whole seconds only in an HTTP-date: 2s ahead means a wait of more than 1s.
		String date = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2).truncatedTo(ChronoUnit.SECONDS));
		this.server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", date).build());
		this.server.enqueue(ok("done"));
		SentinelClient client = fastClient();
		long start = System.nanoTime();
		assertThat(kind.get(client, "/")).isEqualTo("done");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(1));
		assertThat(this.clients.attempts.get(0).decision()).satisfies((decision) -> {
			assertThat(decision.reason()).isEqualTo("retry-after");
			assertThat(decision.delay()).isBetween(Duration.ofSeconds(1), Duration.ofMillis(2300));
		});
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void retryAfterMillisecondsIsHonouredOn429(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().code(429).setHeader("retry-after-ms", "250").build());
		this.server.enqueue(ok("done"));
		SentinelClient client = fastClient();
		long start = System.nanoTime();
		assertThat(kind.get(client, "/")).isEqualTo("done");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
		assertThat(this.clients.attempts.get(0).decision()).satisfies((decision) -> {
			assertThat(decision.reason()).isEqualTo("retry-after");
			assertThat(decision.delay()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
		});
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void shouldRetryFalseHeaderStopsARetry(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().code(503).setHeader("x-should-retry", "false").build());
		SentinelClient client = fastClient();
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"))
			.satisfies((error) -> assertThat(error.status()).isEqualTo(503));
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(this.clients.reasons()).containsExactly("server-said-no");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void shouldRetryTrueHeaderRetriesAStatusThatIsNotRetriedOtherwise(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().code(409).setHeader("x-should-retry", "true").build());
		this.server.enqueue(ok("done"));
		assertThat(kind.get(fastClient(), "/")).isEqualTo("done");
		assertThat(this.server.getRequestCount()).isEqualTo(2);
		assertThat(this.clients.reasons()).containsExactly("status-409", "success");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void postIsNotRetriedAfterAResponseHeadersTimeout(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).body("late").build());
		SentinelClient client = this.clients.create(url(), (settings) -> fast(settings)
			.withTimeouts(TimeoutSettings.INHERIT.withResponseHeaders(Duration.ofMillis(300))));
		assertThatExceptionOfType(ResponseHeadersTimeoutException.class).isThrownBy(() -> kind.post(client, "/", "{}"));
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(this.clients.reasons()).containsExactly("non-idempotent");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void getIsRetriedAfterAResponseHeadersTimeout(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).body("late").build());
		this.server.enqueue(ok("done"));
		SentinelClient client = this.clients.create(url(), (settings) -> fast(settings)
			.withTimeouts(TimeoutSettings.INHERIT.withResponseHeaders(Duration.ofMillis(300))));
		assertThat(kind.get(client, "/")).isEqualTo("done");
		assertThat(this.clients.reasons()).containsExactly("response-headers-timeout", "success");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void getIsRetriedWhenTheConnectionDropsBeforeTheResponse(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
		this.server.enqueue(ok("done"));
		assertThat(kind.get(fastClient(), "/")).isEqualTo("done");
		assertThat(this.clients.reasons()).containsExactly("reset-before-response", "success");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void postIsNotRetriedWhenTheConnectionDropsAfterTheRequestWasSent(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
		SentinelClient client = fastClient();
		assertThat(catchThrowable(() -> kind.post(client, "/", "{}"))).isInstanceOf(kind.transportError())
			.rootCause()
			.isInstanceOf(IOException.class);
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(this.clients.reasons()).containsExactly("non-idempotent");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void postIsRetriedWhenTheConnectionIsRefused(ClientKind kind) throws IOException {
		SentinelClient client = this.clients.create(closedPortUrl(), this::fast);
		assertThat(catchThrowable(() -> kind.post(client, "/", "{}"))).isInstanceOf(kind.transportError())
			.rootCause()
			.isInstanceOf(ConnectException.class);
		assertThat(this.clients.reasons()).containsExactly("connect", "connect", "max-retries");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void postIsRetriedOnRetryableStatusWhenNonIdempotentRetriesAreOn(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().code(529).build());
		this.server.enqueue(ok("done"));
		SentinelClient client = this.clients.create(url(),
				(settings) -> fast(settings).withRetry(fastRetry().withNonIdempotent(true)));
		assertThat(kind.post(client, "/", "{}")).isEqualTo("done");
		assertThat(this.server.getRequestCount()).isEqualTo(2);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void postIsNotRetriedOnRetryableStatusByDefault(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		SentinelClient client = fastClient();
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.post(client, "/", "{}"))
			.satisfies((error) -> assertThat(error.status()).isEqualTo(503));
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(this.clients.reasons()).containsExactly("non-idempotent");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void idempotencyKeyIsTheSameOnEveryAttempt(ClientKind kind) throws InterruptedException {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(ok("done"));
		SentinelClient client = this.clients.create(url(), (settings) -> fast(settings)
			.withRetry(fastRetry().withNonIdempotent(true).withIdempotencyKeyHeader("Idempotency-Key")));
		assertThat(kind.post(client, "/", "{}")).isEqualTo("done");
		RecordedRequest firstAttempt = this.server.takeRequest(5, TimeUnit.SECONDS);
		String first = header(firstAttempt, "Idempotency-Key");
		assertThat(first).isNotBlank();
		assertThat(firstAttempt.getBody().utf8()).isEqualTo("{}");
		RecordedRequest retry = this.server.takeRequest(5, TimeUnit.SECONDS);
		assertThat(header(retry, "Idempotency-Key")).isEqualTo(first);
		// The body is sent again in full on a retry.
		assertThat(retry.getBody().utf8()).isEqualTo("{}");
		assertThat(header(this.server.takeRequest(5, TimeUnit.SECONDS), "Idempotency-Key")).isEqualTo(first);
		// A new call gets a new key.
		this.server.enqueue(ok("again"));
		kind.post(client, "/", "{}");
		assertThat(header(this.server.takeRequest(5, TimeUnit.SECONDS), "Idempotency-Key")).isNotEqualTo(first);
	}

	@Test
	void webClientDoesNotRetryAStreamedRequestBodyOnceSent() {
		// A Flux body may not be subscribed to again.
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		SentinelClient client = this.clients.create(url(),
				(settings) -> fast(settings).withRetry(fastRetry().withNonIdempotent(true)));
		TestRequest request = TestRequest.post("/", StreamedBody.of("a", "b", "c"))
			.withContentType(MediaType.TEXT_PLAIN);
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> ClientKind.WEB_CLIENT.exchange(client, request))
			.satisfies((error) -> assertThat(error.status()).isEqualTo(503));
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(this.clients.reasons()).containsExactly("body-not-replayable");
	}

	@Test
	void restClientSendsAStreamedRequestBodyAgainOnARetry() throws InterruptedException {
		// The RestClient's request body is buffered before it is sent, whatever its kind.
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(ok("done"));
		SentinelClient client = this.clients.create(url(),
				(settings) -> fast(settings).withRetry(fastRetry().withNonIdempotent(true)));
		TestRequest request = TestRequest.post("/", StreamedBody.of("a", "b", "c"))
			.withContentType(MediaType.TEXT_PLAIN);
		assertThat(ClientKind.REST_CLIENT.exchange(client, request).text()).isEqualTo("done");
		assertThat(this.server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8()).isEqualTo("abc");
		assertThat(this.server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8()).isEqualTo("abc");
		assertThat(this.clients.reasons()).containsExactly("status-503", "success");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void streamedResponseIsNeverRetriedAfterItsFirstByte(ClientKind kind) {
		AtomicInteger served = new AtomicInteger();
		try (LoopbackServer breaking = LoopbackServer.start((routes) -> routes.get("/", (request, response) -> {
			served.incrementAndGet();
			// The first bytes, then the connection drops before the chunked body ends.
			Mono<String> drop = Mono.delay(Duration.ofMillis(100))
				.doOnNext((tick) -> response.withConnection((connection) -> connection.channel().close()))
				.then(Mono.never());
			return response.sendString(Flux.concat(Mono.just("first bytes\n"), drop)).then();
		}))) {
			SentinelClient client = this.clients.create(breaking.baseUrl(), this::fast);
			List<String> chunks = new CopyOnWriteArrayList<>();
			Throwable error = catchThrowable(() -> kind.stream(client, TestRequest.get("/"), chunks::add));
			assertThat(String.join("", chunks)).isEqualTo("first bytes\n");
			assertThat(error).isNotNull().rootCause().isInstanceOf(IOException.class);
			assertThat(served).hasValue(1);
			assertThat(this.clients.reasons()).containsExactly("success");
		}
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void longRetryAfterPausesEveryCallerOfTheClient(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "120").build());
		SentinelClient client = fastClient();
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"))
			.satisfies((error) -> assertThat(error.status()).isEqualTo(429));
		assertThat(this.clients.reasons()).containsExactly("retry-after-too-long");
		// The pause holds for calls through either API of the client.
		for (ClientKind caller : List.of(kind, kind.other())) {
			assertThatExceptionOfType(HostPausedException.class).isThrownBy(() -> caller.get(client, "/"))
				.withMessageContaining("'upstream'");
		}
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(client.hostPause().pausedUntil()).isPresent();
		client.hostPause().resume();
		this.server.enqueue(ok("back"));
		assertThat(kind.get(client, "/")).isEqualTo("back");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void instantRetriesRetryAsConfiguredWithoutWaiting(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().code(500).build());
		this.server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "30").build());
		this.server.enqueue(ok("done"));
		this.server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "120").build());
		this.server.enqueue(ok("not paused"));
		SentinelClient client = this.clients.create(url(),
				(settings) -> settings.withRetry(
						RetrySettings.INHERIT.withBackoff(Duration.ofSeconds(20), 2.0, Duration.ofSeconds(20), 0.0)
							.withInstant(true)));
		long start = System.nanoTime();
		assertThat(kind.get(client, "/")).isEqualTo("done");
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"));
		assertThat(kind.get(client, "/")).isEqualTo("not paused");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		assertThat(this.clients.reasons()).containsExactly("status-500", "retry-after", "success",
				"retry-after-too-long", "success");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void totalTimeoutStopsACallThatWouldRetryForMinutes(ClientKind kind) {
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
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
		// 500ms + 1s of backoff fit (with 1s to spare for the three attempts themselves
		// on a loaded machine); the next 2s would end past the deadline.
		assertThat(this.server.getRequestCount()).isEqualTo(3);
		assertThat(this.clients.reasons()).last().isEqualTo("deadline");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void totalTimeoutCancelsAnAttemptInFlight(ClientKind kind) {
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
		assertThatExceptionOfType(TotalTimeoutException.class).isThrownBy(() -> kind.get(client, "/"))
			.withMessageContaining("timeouts.total");
		assertThat(this.clients.reasons()).containsExactly("status-503", "error-not-retryable");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void totalTimeoutCoversReadingABufferedBody(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().bodyDelay(3, TimeUnit.SECONDS).body("slow body").build());
		SentinelClient client = this.clients.create(url(), (settings) -> settings.withTimeouts(
				TimeoutSettings.INHERIT.withTotal(Duration.ofMillis(800)).withResponseHeaders(Duration.ofMillis(400))));
		long start = System.nanoTime();
		assertThatExceptionOfType(TotalTimeoutException.class).isThrownBy(() -> kind.get(client, "/"));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void listenerSeesEveryAttempt(ClientKind kind) {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().code(502).build());
		this.server.enqueue(ok("done"));
		List<AttemptEvent> perCall = new CopyOnWriteArrayList<>();
		TestRequest request = TestRequest.get("/items/42?key=secret").withListener(perCall::add);
		assertThat(kind.exchange(fastClient(), request).text()).isEqualTo("done");
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
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return URI.create("http://127.0.0.1:" + socket.getLocalPort());
		}
	}

	private static MockResponse ok(String body) {
		return new MockResponse.Builder().code(200).body(body).build();
	}

	private static String header(RecordedRequest request, String name) {
		return request.getHeaders().get(name);
	}

}
