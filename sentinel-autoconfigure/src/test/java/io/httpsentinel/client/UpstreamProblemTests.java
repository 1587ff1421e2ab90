package io.httpsentinel.client;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.util.unit.DataSize;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.httpsentinel.SentinelException;
import io.httpsentinel.client.pool.PoolAcquireTimeoutException;
import io.httpsentinel.client.pool.PoolPendingLimitException;
import io.httpsentinel.client.pool.ReadIdleTimeoutException;
import io.httpsentinel.client.pool.ResponseHeadersTimeoutException;
import io.httpsentinel.resilience.CircuitBreakerSettings;
import io.httpsentinel.resilience.CircuitOpenException;
import io.httpsentinel.resilience.HostPausedException;
import io.httpsentinel.resilience.NoBackendAvailableException;
import io.httpsentinel.resilience.RateLimitExceededException;
import io.httpsentinel.resilience.ResponseTooLargeException;
import io.httpsentinel.resilience.TotalTimeoutException;
import io.httpsentinel.sse.SseResponseException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which answer {@link UpstreamProblem} gives each error, which errors it leaves alone,
 * and the problem document it writes.
 */
class UpstreamProblemTests {

	private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

	private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

	private final SentinelClientFactory factory = new SentinelClientFactory(WebClient::builder, null, List.of());

	private final SentinelClient weather = client("weather", "http://weather.example:8080/v1");

	private final SentinelClient weatherV2 = client("weather-v2", "http://weather.example:8080/v1/v2");

	private final SentinelClient payments = client("payments", "https://payments.example");

	private final SentinelClients clients = new SentinelClients(List.of(this.weather, this.weatherV2, this.payments));

	@AfterEach
	void close() {
		this.clients.close();
	}

	@Test
	void anOpenBreakerIs503AfterItsWaitInOpen() {
		UpstreamProblem problem = find(new CircuitOpenException("weather", null)).orElseThrow();
		assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(problem.retryAfterHeaderValue()).isEqualTo("45");
		assertThat(problem.detail()).isEqualTo("Upstream circuit breaker open");
		assertThat(problem.clientName()).isEqualTo("weather");
	}

	@Test
	void aPausedHostIs503AfterTheTimeLeftRoundedUp() {
		UpstreamProblem problem = find(new HostPausedException("weather", NOW.plusMillis(90_001))).orElseThrow();
		assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(problem.retryAfterHeaderValue()).isEqualTo("91");
	}

	@Test
	void aPauseThatJustEndedStillAnnouncesOneSecond() {
		UpstreamProblem problem = find(new HostPausedException("weather", NOW.minusSeconds(5))).orElseThrow();
		assertThat(problem.retryAfterHeaderValue()).isEqualTo("1");
	}

	@Test
	void aRateLimitIs503AfterItsWait() {
		UpstreamProblem problem = find(
				new RateLimitExceededException("weather", Duration.ofMillis(2500), Duration.ofMillis(1)))
			.orElseThrow();
		assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(problem.retryAfterHeaderValue()).isEqualTo("3");
	}

	@Test
	void anExhaustedPoolIs503WithoutAWait() {
		IOException cause = new IOException("pool");
		for (SentinelException error : List.of(new PoolAcquireTimeoutException("weather", Duration.ofSeconds(1), cause),
				new PoolPendingLimitException("weather", 10, cause))) {
			UpstreamProblem problem = find(error).orElseThrow();
			assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(problem.retryAfter()).isNull();
			assertThat(problem.detail()).isEqualTo("Too many concurrent upstream calls");
		}
	}

	@Test
	void noBackendToSendToIs503WithoutAWait() {
		UpstreamProblem problem = find(new NoBackendAvailableException("weather", "lb://weather")).orElseThrow();
		assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(problem.retryAfter()).isNull();
		assertThat(problem.detail()).isEqualTo("No upstream backend available");
		assertThat(problem.clientName()).isEqualTo("weather");
	}

	@Test
	void everyTimeoutIs504() {
		for (SentinelException error : List.of(new ResponseHeadersTimeoutException("weather", Duration.ofSeconds(1)),
				new ReadIdleTimeoutException("weather", Duration.ofSeconds(1)),
				new TotalTimeoutException("weather", Duration.ofSeconds(1), null))) {
			assertThat(find(error).orElseThrow().status()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
		}
	}

	@Test
	void otherSentinelErrorsAre502() {
		assertThat(find(new ResponseTooLargeException("weather", DataSize.ofKilobytes(1), new IOException()))).get()
			.satisfies((problem) -> assertThat(problem.status()).isEqualTo(HttpStatus.BAD_GATEWAY))
			.satisfies((problem) -> assertThat(problem.detail()).isEqualTo("Upstream response too large"));
		assertThat(find(new SentinelException("weather", "something else", null))).get()
			.satisfies((problem) -> assertThat(problem.status()).isEqualTo(HttpStatus.BAD_GATEWAY));
	}

	@Test
	void aRefusedEventStreamIsAnsweredByItsStatusButNeverWithItsBody() {
		UpstreamProblem refused = find(new SseResponseException("weather", 401, "application/json", "{\"key\":\"x\"}"))
			.orElseThrow();
		assertThat(refused.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
		assertThat(refused.detail()).isEqualTo("Upstream answered 401");
		assertThat(find(new SseResponseException("weather", 503, null, "")).orElseThrow().status())
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(find(new SseResponseException("weather", 200, "application/json", "")).orElseThrow().detail())
			.isEqualTo("Upstream did not answer with an event stream");
	}

	@Test
	void anUnknownClientIsTheApplicationsMistake() {
		assertThat(find(new UnknownClientException("nope", Set.of("weather")))).isEmpty();
	}

	@Test
	void anErrorOfAClientThatIsNotConfiguredHasNoBreakerWait() {
		UpstreamProblem problem = find(new CircuitOpenException("elsewhere", null)).orElseThrow();
		assertThat(problem.retryAfter()).isNull();
		assertThat(problem.clientName()).isEqualTo("elsewhere");
	}

	@Test
	void aSentinelErrorWrappedBySpringOrAFutureIsFound() {
		CircuitOpenException open = new CircuitOpenException("weather", null);
		assertThat(find(new RestClientException("I/O error", open))).isPresent();
		assertThat(find(new CompletionException(new UndeclaredThrowableException(open)))).isPresent();
		assertThat(find(new WebClientRequestException(open, HttpMethod.GET, URI.create("http://elsewhere/"),
				HttpHeaders.EMPTY)))
			.get()
			.satisfies((problem) -> assertThat(problem.detail()).isEqualTo("Upstream circuit breaker open"));
	}

	@Test
	void aTransportErrorWrappedByARestClientsIoErrorIsFoundThroughItsUri() {
		WebClientRequestException refused = new WebClientRequestException(new IOException("Connection refused"),
				HttpMethod.GET, URI.create("https://payments.example/charges"), HttpHeaders.EMPTY);
		assertThat(find(new ResourceAccessException("I/O error", new IOException(refused)))).get()
			.satisfies((problem) -> assertThat(problem.clientName()).isEqualTo("payments"));
	}

	@Test
	void aRestClientsIoErrorNamesItsClientEvenWhenAnotherSharesTheHost() {
		// The URI lies under the weather client's base URL; the call was the payments
		// client's.
		WebClientRequestException refused = new WebClientRequestException(new IOException("Connection refused"),
				HttpMethod.GET, URI.create("http://weather.example:8080/v1/current"), HttpHeaders.EMPTY);
		assertThat(find(new ResourceAccessException("I/O error",
				new UpstreamIOException("payments", "Connection refused", refused))))
			.get()
			.satisfies((problem) -> {
				assertThat(problem.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
				assertThat(problem.detail()).isEqualTo("Upstream unreachable");
				assertThat(problem.clientName()).isEqualTo("payments");
			});
	}

	@Test
	void aSentinelErrorWrappedByAnExceptionOfTheApplicationIsTheApplications() {
		assertThat(find(new IllegalStateException("order failed", new CircuitOpenException("weather", null))))
			.isEmpty();
	}

	@Test
	void errorsThatAreNotSentinelsAreLeftAlone() {
		assertThat(find(new IllegalStateException("bug"))).isEmpty();
		assertThat(find(new ResourceAccessException("I/O error", new IOException("refused")))).isEmpty();
	}

	@Test
	void anUpstreamStatusUnderAClientsBaseUrlIs502() {
		UpstreamProblem problem = find(status(500, "http://weather.example:8080/v1/current?key=secret")).orElseThrow();
		assertThat(problem.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
		assertThat(problem.detail()).isEqualTo("Upstream answered 500");
		assertThat(problem.clientName()).isEqualTo("weather");
	}

	@Test
	void anUpstream429Or503Is503WithItsRetryAfter() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "30");
		UpstreamProblem problem = find(WebClientResponseException.create(429, "Too Many Requests", headers, new byte[0],
				StandardCharsets.UTF_8, request("https://payments.example/charges")))
			.orElseThrow();
		assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(problem.retryAfterHeaderValue()).isEqualTo("30");
		assertThat(problem.clientName()).isEqualTo("payments");
	}

	@Test
	void theClientWithTheLongestBasePathCoveringTheUriOwnsIt() {
		assertThat(find(status(502, "http://WEATHER.example:8080/v1/v2/current"))).get()
			.satisfies((problem) -> assertThat(problem.clientName()).isEqualTo("weather-v2"));
		assertThat(find(status(502, "http://weather.example:8080/v1"))).get()
			.satisfies((problem) -> assertThat(problem.clientName()).isEqualTo("weather"));
		assertThat(find(status(502, "https://payments.example:443/"))).get()
			.satisfies((problem) -> assertThat(problem.clientName()).isEqualTo("payments"));
	}

	@Test
	void anUpstreamStatusOutsideEveryBaseUrlIsLeftAlone() {
		assertThat(find(status(500, "http://weather.example:8080/v10/current"))).as("another path").isEmpty();
		assertThat(find(status(500, "http://weather.example:8081/v1/current"))).as("another port").isEmpty();
		assertThat(find(status(500, "https://weather.example:8080/v1/current"))).as("another scheme").isEmpty();
		assertThat(find(status(500, "http://other.example:8080/v1/current"))).as("another host").isEmpty();
		assertThat(find(WebClientResponseException.create(500, "Error", HttpHeaders.EMPTY, new byte[0], null)))
			.as("no request")
			.isEmpty();
	}

	@Test
	void aTransportErrorUnderAClientsBaseUrlIs502() {
		UpstreamProblem problem = find(new WebClientRequestException(new IOException("Connection refused"),
				HttpMethod.GET, URI.create("https://payments.example/charges"), HttpHeaders.EMPTY))
			.orElseThrow();
		assertThat(problem.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
		assertThat(problem.detail()).isEqualTo("Upstream unreachable");
		assertThat(problem.clientName()).isEqualTo("payments");
	}

	@Test
	void anErrorOfAKnownClientsCallIsAlwaysAnswered() {
		assertThat(UpstreamProblem.of(new IllegalArgumentException("not the base URL"), this.weather, this.clock))
			.isEqualTo(new UpstreamProblem(HttpStatus.BAD_GATEWAY, null, "Upstream unreachable", "weather"));
	}

	@Test
	void theDocumentIsValidJsonWhateverThePathHolds() {
		UpstreamProblem problem = new UpstreamProblem(HttpStatus.SERVICE_UNAVAILABLE, Duration.ofSeconds(3),
				"Upstream rate limit reached", "we\"ird");
		String path = "/a\"b\\c\nd\u0001</script>\u2028";
		JsonNode json = JsonMapper.builder().build().readTree(problem.toJson(path));
		assertThat(json.get("type").asString()).isEqualTo("about:blank");
		assertThat(json.get("title").asString()).isEqualTo("Service Unavailable");
		assertThat(json.get("status").asInt()).isEqualTo(503);
		assertThat(json.get("detail").asString()).isEqualTo("Upstream rate limit reached");
		assertThat(json.get("instance").asString()).isEqualTo(path);
		assertThat(json.get("client").asString()).isEqualTo("we\"ird");
		assertThat(new String(problem.toJson(path), StandardCharsets.UTF_8)).doesNotContain("</script>");
	}

	@Test
	void theDocumentLeavesOutWhatIsUnknown() {
		String json = new String(
				new UpstreamProblem(HttpStatus.BAD_GATEWAY, null, "Upstream call failed", null).toJson(null),
				StandardCharsets.UTF_8);
		assertThat(json).isEqualTo(
				"{\"type\":\"about:blank\",\"title\":\"Bad Gateway\",\"status\":502,\"detail\":\"Upstream call failed\"}");
	}

	@Test
	void theHeadersSayProblemJsonNoStoreAndRetryAfter() {
		HttpHeaders headers = new HttpHeaders();
		new UpstreamProblem(HttpStatus.SERVICE_UNAVAILABLE, Duration.ofMillis(1), "x", null).applyHeaders(headers);
		assertThat(headers.getFirst(HttpHeaders.CONTENT_TYPE)).isEqualTo("application/problem+json");
		assertThat(headers.getCacheControl()).isEqualTo("no-store");
		assertThat(headers.getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
	}

	@Test
	void aProblemDetailForTheApplicationsOwnHandlers() {
		ProblemDetail problem = new UpstreamProblem(HttpStatus.GATEWAY_TIMEOUT, null, "Upstream did not answer in time",
				"weather")
			.toProblemDetail(URI.create("/orders/7"));
		assertThat(problem.getStatus()).isEqualTo(504);
		assertThat(problem.getTitle()).isEqualTo("Gateway Timeout");
		assertThat(problem.getDetail()).isEqualTo("Upstream did not answer in time");
		assertThat(problem.getInstance()).isEqualTo(URI.create("/orders/7"));
		assertThat(problem.getProperties()).containsEntry("client", "weather");
	}

	private Optional<UpstreamProblem> find(Throwable error) {
		return UpstreamProblem.find(error, this.clients, this.clock);
	}

	private SentinelClient client(String name, String baseUrl) {
		return this.factory.create(name,
				ClientSettings.builder()
					.baseUrl(URI.create(baseUrl))
					.circuitBreaker(CircuitBreakerSettings.builder().waitInOpen(Duration.ofSeconds(45)).build())
					.build());
	}

	private static WebClientResponseException status(int status, String uri) {
		return WebClientResponseException.create(status, "Error", HttpHeaders.EMPTY, new byte[0],
				StandardCharsets.UTF_8, request(uri));
	}

	private static ClientHttpRequest request(String uri) {
		try {
			return new SimpleClientHttpRequestFactory().createRequest(URI.create(uri), HttpMethod.GET);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
