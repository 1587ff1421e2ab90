package io.httpsentinel.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.resilience.RetrySettings;
import io.httpsentinel.testsupport.ClientKind;
import io.httpsentinel.testsupport.LogLevels;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.TestClients;
import io.httpsentinel.testsupport.TestRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Exchange logging of a client against a real loopback server, read from the captured
 * console: what each level shows, that secrets never show, that bodies are cut at the
 * limit, and that streams still flow; once through each {@link ClientKind}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ExchangeLoggingIntegrationTests {

	private static final String LOGGER = "io.httpsentinel.exchange.upstream";

	private static final Set<String> SECRETS = Set.of("k-secret-1", "q-secret-2", "tok-secret-3", "c-secret-4",
			"t-secret-5", "s-secret-6");

	private final AtomicInteger flakyCalls = new AtomicInteger();

	private final LoopbackServer server = LoopbackServer.start((routes) -> routes
		.get("/weather",
				(request, response) -> response.header("Set-Cookie", "session=s-secret-6")
					.header("x-request-id", "r-1")
					.sendString(Mono.just("sunny")))
		.post("/echo",
				(request, response) -> response.header("content-type", "application/json")
					.send(request.receive().retain()))
		.post("/form",
				(request, response) -> response
					.sendString(request.receive().aggregate().asString().map((body) -> "received " + body.length())))
		.get("/big",
				(request, response) -> response.header("content-type", "text/plain")
					.sendString(Mono.just("Z".repeat(10_000))))
		.get("/binary",
				(request, response) -> response.header("content-type", "application/octet-stream")
					.sendByteArray(Mono.just(new byte[] { 1, 2, 3 })))
		.get("/events",
				(request, response) -> response.header("content-type", MediaType.TEXT_EVENT_STREAM_VALUE)
					.sendString(Flux.concat(Mono.just("data: one\n\n"), Flux.never())))
		.get("/flaky", (request, response) -> (this.flakyCalls.getAndIncrement() == 0) ? response.status(503).send()
				: response.sendString(Mono.just("ok"))));

	private final TestClients clients = new TestClients();

	private final LogLevels logLevels = new LogLevels()
		// Spring's own DEBUG logs show full URLs: keep them out of the captured output.
		.set(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO)
		.set(LOGGER, LogLevel.DEBUG);

	@AfterEach
	void stop() {
		this.logLevels.close();
		this.clients.close();
		this.server.close();
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void basicLogsRequestAndResponseLinesWithSecretQueryValuesRedacted(ClientKind kind, CapturedOutput output) {
		SentinelClient client = client(ExchangeLogLevel.BASIC);
		assertThat(kind.get(client, "/weather?city=Oslo&key=q-secret-2")).isEqualTo("sunny");
		String target = "GET " + this.server.baseUrl() + "/weather?city=Oslo&key=******";
		assertThat(output).contains("--> " + target)
			.containsPattern("<-- 200 " + Pattern.quote(target) + " \\(\\d+ ms\\)");
		// Headers only from level 'headers' on.
		assertThat(output).doesNotContain("x-request-id");
		assertNoSecrets(output);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void headersLevelShowsHeadersWithSecretValuesRedacted(ClientKind kind, CapturedOutput output) {
		SentinelClient client = client(ExchangeLogLevel.HEADERS);
		kind.exchange(client,
				TestRequest.get("/weather")
					.withHeader("Authorization", "Bearer tok-secret-3")
					.withHeader("X-Tenant", "t-secret-5")
					.withHeader("anthropic-version", "2023-06-01")
					.withCookie("session", "c-secret-4"));
		assertThat(output).contains("    anthropic-version: 2023-06-01", "    Authorization: ******",
				"    x-api-key: ******", "    X-Tenant: ******", "    Cookie: ******", "    Set-Cookie: ******",
				"    x-request-id: r-1");
		assertNoSecrets(output);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void bodyLevelLogsRequestAndResponseBodies(ClientKind kind, CapturedOutput output) {
		SentinelClient client = client(ExchangeLogLevel.BODY);
		TestRequest request = TestRequest.post("/echo", "{\"q\":\"hello\"}")
			.withContentType(MediaType.APPLICATION_JSON);
		assertThat(kind.exchange(client, request).text()).isEqualTo("{\"q\":\"hello\"}");
		String target = "POST " + this.server.baseUrl() + "/echo";
		assertThat(output).contains("--> " + target + " body: {\"q\":\"hello\"}",
				"--> " + target + " body end (13 bytes, 13 logged)", "<-- " + target + " body: {\"q\":\"hello\"}",
				"<-- " + target + " body end (13 bytes, 13 logged)");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void formBodiesAreNeverShown(ClientKind kind, CapturedOutput output) {
		SentinelClient client = client(ExchangeLogLevel.BODY);
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "client_credentials");
		form.add("client_secret", "f-secret-7");
		assertThat(kind.exchange(client, TestRequest.post("/form", form)).text()).isEqualTo("received 54");
		assertThat(output)
			.contains("--> POST " + this.server.baseUrl() + "/form body end (54 bytes, content not shown)")
			.doesNotContain("f-secret-7");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void bodyLoggingStopsAtTheLimitWhileTheCallerGetsTheWholeBody(ClientKind kind, CapturedOutput output) {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withLog(new LogSettings(ExchangeLogLevel.BODY, DataSize.ofBytes(1000))));
		assertThat(kind.get(client, "/big")).hasSize(10_000);
		int logged = 0;
		// Only the body lines: other log lines carry ISO timestamps that end in a Z.
		Matcher zs = Pattern.compile(" body: (Z+)").matcher(output.toString());
		while (zs.find()) {
			logged += zs.group(1).length();
		}
		assertThat(logged).isEqualTo(1000);
		assertThat(output).contains("[log-body-limit reached: the rest passes unlogged]",
				"body end (10000 bytes, 1000 logged)");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void binaryBodiesAreCountedNotShown(ClientKind kind, CapturedOutput output) {
		SentinelClient client = client(ExchangeLogLevel.BODY);
		assertThat(kind.exchange(client, TestRequest.get("/binary")).body()).containsExactly(1, 2, 3);
		assertThat(output).contains("body end (3 bytes, content not shown)").doesNotContain("/binary body: ");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void streamFlowsEventByEventWhileItsBodyIsLogged(ClientKind kind, CapturedOutput output) {
		SentinelClient client = client(ExchangeLogLevel.BODY);
		List<String> chunks = new ArrayList<>();
		// The stream never ends: the first event can only arrive if nothing holds it.
		// Declining the first chunk closes the stream.
		kind.stream(client, TestRequest.get("/events"), (chunk) -> !chunks.add(chunk));
		assertThat(chunks).containsExactly("data: one\n\n");
		String target = "GET " + this.server.baseUrl() + "/events";
		assertThat(output).contains("<-- " + target + " body: data: one", "<-- " + target + " body cancelled after")
			.doesNotContain(target + " body end");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void everyAttemptIsLogged(ClientKind kind, CapturedOutput output) {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withLog(LogSettings.INHERIT.withLevel(ExchangeLogLevel.BASIC))
					.withRetry(
							RetrySettings.INHERIT.withBackoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0.0)));
		assertThat(kind.get(client, "/flaky")).isEqualTo("ok");
		String target = "GET " + this.server.baseUrl() + "/flaky";
		assertThat(output).contains("<-- 503 " + target, "<-- 200 " + target);
		// Once per attempt: two requests, two responses.
		assertThat(output.toString().split(Pattern.quote("--> " + target), -1)).hasSize(3);
		assertThat(output.toString().split(Pattern.quote("<-- "), -1)).hasSize(3);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void failedAttemptIsLoggedWithItsError(ClientKind kind, CapturedOutput output) {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withLog(LogSettings.INHERIT.withLevel(ExchangeLogLevel.BASIC))
					.withRetry(RetrySettings.INHERIT.withMaxRetries(0)));
		int port = this.server.baseUrl().getPort();
		this.server.close();
		assertThat(catchThrowable(() -> kind.get(client, "/weather"))).isInstanceOf(kind.transportError());
		assertThat(output).containsPattern("<-- GET http://127.0.0.1:" + port + "/weather failed after \\d+ ms: ");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void nothingIsLoggedWhileTheLoggerIsNotAtDebug(ClientKind kind, CapturedOutput output) {
		this.logLevels.set(LOGGER, LogLevel.INFO);
		SentinelClient client = client(ExchangeLogLevel.BODY);
		assertThat(kind.get(client, "/weather")).isEqualTo("sunny");
		assertThat(output).doesNotContain("--> GET").doesNotContain("<-- 200");
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void levelNoneLogsNothing(ClientKind kind, CapturedOutput output) {
		SentinelClient client = client(ExchangeLogLevel.NONE);
		assertThat(kind.get(client, "/weather")).isEqualTo("sunny");
		assertThat(output).doesNotContain("--> GET").doesNotContain("<-- 200");
	}

	private SentinelClient client(ExchangeLogLevel level) {
		return this.clients.create(this.server.baseUrl(),
				(settings) -> settings.withLog(LogSettings.INHERIT.withLevel(level))
					.withDefaultHeaders(Map.of("x-api-key", "k-secret-1"))
					.withRedaction(RedactionSettings.INHERIT.withHeaders(Set.of("x-tenant"))));
	}

	private static void assertNoSecrets(CapturedOutput output) {
		for (String secret : SECRETS) {
			assertThat(output).doesNotContain(secret);
		}
	}

}
