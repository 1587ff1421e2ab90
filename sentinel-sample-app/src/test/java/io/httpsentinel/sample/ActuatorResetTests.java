package io.httpsentinel.sample;

import java.time.Instant;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code sentinel} endpoint's reset operation over HTTP, once an operator allowed it
 * with {@code management.endpoint.sentinel.access=unrestricted}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoint.sentinel.access=unrestricted")
// Generous: the first calls of a fresh context on a busy 2-core CI machine can take
// seconds.
@AutoConfigureWebTestClient(timeout = "30s")
@Import(OneRequestPerConnection.class)
class ActuatorResetTests {

	@Autowired
	private WebTestClient webTestClient;

	@Autowired
	private SentinelClients clients;

	@DynamicPropertySource
	static void demoUpstreamOnAFreePort(DynamicPropertyRegistry registry) {
		DemoUpstreamPorts.register(registry);
	}

	@Test
	void resetClosesTheBreakerAndLiftsThePause() {
		SentinelClient weather = this.clients.get("weather");
		weather.circuitBreaker().resilience4j().transitionToOpenState();
		weather.hostPause().pauseUntil(Instant.now().plusSeconds(3600));
		this.webTestClient.get()
			.uri("/actuator/sentinel/weather")
			.exchange()
			.expectBody()
			.jsonPath("$.state.circuitBreaker.state")
			.isEqualTo("OPEN")
			.jsonPath("$.state.pausedUntil")
			.exists();

		this.webTestClient.post()
			.uri("/actuator/sentinel/weather")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.state.circuitBreaker.state")
			.isEqualTo("CLOSED")
			.jsonPath("$.state.pausedUntil")
			.doesNotExist();
		assertThat(weather.circuitBreaker().resilience4j().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(weather.hostPause().pausedUntil()).isEmpty();
	}

	@Test
	void resetOfAnUnknownClientIsABadRequest() {
		this.webTestClient.post().uri("/actuator/sentinel/nope").exchange().expectStatus().isBadRequest();
	}

}
