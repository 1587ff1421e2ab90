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
import org.springframework.test.util.TestSocketUtils;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end: with a wrong API key configured, the upstream answers 401 and the app turns
 * it into a 502 with a problem-details body instead of passing the 401 on.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "sentinel.clients.weather.default-headers.x-api-key=wrong-key")
// Generous: the first calls of a fresh context on a busy 2-core CI machine can take
// seconds.
@AutoConfigureWebTestClient(timeout = "30s")
@Import(OneRequestPerConnection.class)
class UpstreamErrorTests {

	@Autowired
	private WebTestClient webTestClient;

	@DynamicPropertySource
	static void demoUpstreamOnAFreePort(DynamicPropertyRegistry registry) {
		// Picked once, see WeatherApiTests.
		int port = TestSocketUtils.findAvailableTcpPort();
		registry.add("demo.upstream.port", () -> port);
	}

	@Test
	void upstreamRejectingTheApiKeyIsReportedAsBadGateway() {
		this.webTestClient.get()
			.uri("/api/weather/Oslo")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.BAD_GATEWAY)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.value((problem) -> assertThat(problem).containsEntry("status", 502)
				.containsEntry("title", "Upstream error")
				.containsEntry("detail", "Upstream answered 401"));
	}

}
