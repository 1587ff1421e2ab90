package io.httpsentinel.sample;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end: upstream failures reach the caller as Sentinel's problem details, with no
 * handler in the sample. With a wrong API key configured the upstream answers 401, and
 * the app answers 502 instead of passing the 401 on; an open circuit breaker is a 503
 * with {@code Retry-After}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sentinel.clients.weather.default-headers.x-api-key=wrong-key",
				"sentinel.clients.weather.circuit-breaker.wait-in-open=45s" })
// Generous: the first calls of a fresh context on a busy 2-core CI machine can take
// seconds.
@AutoConfigureWebTestClient(timeout = "30s")
@Import(OneRequestPerConnection.class)
class UpstreamErrorTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private WebTestClient webTestClient;

	@Autowired
	private SentinelClients clients;

	@DynamicPropertySource
	static void demoUpstreamOnAFreePort(DynamicPropertyRegistry registry) {
		DemoUpstreamPorts.register(registry);
	}

	@Test
	void upstreamRejectingTheApiKeyIsReportedAsBadGateway() {
		this.webTestClient.get()
			.uri("/api/weather/Oslo")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.BAD_GATEWAY)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(JSON_OBJECT)
			.value((problem) -> assertThat(problem).containsEntry("status", 502)
				.containsEntry("title", "Bad Gateway")
				.containsEntry("detail", "Upstream answered 401")
				.containsEntry("instance", "/api/weather/Oslo")
				.containsEntry("client", "weather"));
	}

	@Test
	void openCircuitBreakerIsReportedAsServiceUnavailableWithRetryAfter() {
		SentinelClient weather = this.clients.get("weather");
		weather.circuitBreaker().resilience4j().transitionToOpenState();
		try {
			this.webTestClient.get()
				.uri("/api/weather/Oslo")
				.exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
				.expectHeader()
				.valueEquals("Retry-After", "45")
				.expectBody(JSON_OBJECT)
				.value((problem) -> assertThat(problem).containsEntry("status", 503)
					.containsEntry("detail", "Upstream circuit breaker open")
					.containsEntry("client", "weather"));
		}
		finally {
			weather.circuitBreaker().reset();
		}
	}

}
