package io.httpsentinel.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end through the app's real HTTP port: the {@code sentinel} health component, the
 * readiness group, the {@code sentinel} endpoint's JSON, and the weather client's
 * exchange log, with the demo API key never showing.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
// Generous: the first calls of a fresh context on a busy 2-core CI machine can take
// seconds.
@AutoConfigureWebTestClient(timeout = "30s")
@Import(OneRequestPerConnection.class)
@ExtendWith(OutputCaptureExtension.class)
class ActuatorTests {

	private static final String API_KEY = "demo-key";

	private static int upstreamPort;

	@Autowired
	private WebTestClient webTestClient;

	@Autowired
	private SentinelClients clients;

	@Autowired
	private Environment environment;

	@DynamicPropertySource
	static void demoUpstreamOnAFreePort(DynamicPropertyRegistry registry) {
		upstreamPort = DemoUpstreamPorts.register(registry);
	}

	@Test
	void healthHasOneSentinelComponentPerClientWithoutSecrets() {
		this.webTestClient.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.sentinel.status")
			.isEqualTo("UP")
			.jsonPath("$.components.sentinel.components.weather.status")
			.isEqualTo("UP")
			.jsonPath("$.components.sentinel.components.weather.details.host")
			.isEqualTo("127.0.0.1:" + upstreamPort)
			.jsonPath("$.components.sentinel.components.weather.details.circuitBreaker")
			.isEqualTo("CLOSED")
			.jsonPath("$.components.sentinel.components.weather.details.pool.max")
			.isEqualTo(20)
			.consumeWith((result) -> assertThat(new String(result.getResponseBodyContent())).doesNotContain(API_KEY));
	}

	@Test
	void readinessGroupIncludesSentinel() {
		this.webTestClient.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.components.sentinel.components.weather.status")
			.isEqualTo("UP")
			.jsonPath("$.components.readinessState.status")
			.isEqualTo("UP");
	}

	@Test
	void livenessGroupLeavesTheExternalApiOut() {
		this.webTestClient.get()
			.uri("/actuator/health/liveness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.sentinel")
			.doesNotExist();
	}

	@Test
	void circuitOpenIsInTheStatusOrder() {
		assertThat(this.environment.getProperty("management.endpoint.health.status.order"))
			.isEqualTo("DOWN,OUT_OF_SERVICE,CIRCUIT_OPEN,UP,UNKNOWN");
	}

	@Test
	void sentinelEndpointShowsSettingsWithSecretsRedactedAndLiveState() {
		this.webTestClient.get()
			.uri("/actuator/sentinel")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.clients.weather.settings.base-url")
			.isEqualTo("http://127.0.0.1:" + upstreamPort)
			.jsonPath("$.clients.weather.settings.default-headers.x-api-key")
			.isEqualTo("******")
			.jsonPath("$.clients.weather.settings.pool.max-connections")
			.isEqualTo(20)
			.jsonPath("$.clients.weather.settings.timeouts.response-headers")
			.isEqualTo("5s")
			.jsonPath("$.clients.weather.settings.max-response-size")
			.isEqualTo("10MB")
			.jsonPath("$.clients.weather.settings.retry.statuses[0]")
			.isEqualTo(408)
			.jsonPath("$.clients.weather.settings.log")
			.isEqualTo("basic")
			.jsonPath("$.clients.weather.settings.health.fail-on-open-circuit")
			.isEqualTo(false)
			.jsonPath("$.clients.weather.state.pool.max")
			.isEqualTo(20)
			.jsonPath("$.clients.weather.state.circuitBreaker.state")
			.isEqualTo("CLOSED")
			.consumeWith((result) -> assertThat(new String(result.getResponseBodyContent())).doesNotContain(API_KEY));
	}

	@Test
	void sentinelEndpointShowsOneClientAnd404ForAnUnknownOne() {
		this.webTestClient.get()
			.uri("/actuator/sentinel/weather")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.settings.base-url")
			.isEqualTo("http://127.0.0.1:" + upstreamPort);
		this.webTestClient.get().uri("/actuator/sentinel/nope").exchange().expectStatus().isNotFound();
	}

	@Test
	void sentinelEndpointShowsTheQuotaTheLlmClientPacesBy() {
		this.webTestClient.get()
			.uri("/api/chat/stream?interval=0")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("data:"));
		this.webTestClient.get()
			.uri("/actuator/sentinel/llm")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.state.adaptivePacing.share")
			.isEqualTo(1.0)
			.jsonPath("$.state.adaptivePacing.remaining")
			.value((remaining) -> assertThat(((Number) remaining).intValue()).isLessThan(1000))
			.jsonPath("$.state.adaptivePacing.reset")
			.isNotEmpty();
	}

	@Test
	void resetIsNotAvailableUnlessAccessIsUnrestricted() {
		this.clients.get("weather").circuitBreaker().resilience4j().transitionToForcedOpenState();
		try {
			this.webTestClient.post().uri("/actuator/sentinel/weather").exchange().expectStatus().isEqualTo(405);
			assertThat(this.clients.get("weather").circuitBreaker().resilience4j().getState().name())
				.isEqualTo("FORCED_OPEN");
		}
		finally {
			this.clients.get("weather").circuitBreaker().resilience4j().transitionToClosedState();
		}
	}

	@Test
	void weatherCallsAreLoggedWithoutTheApiKey(CapturedOutput output) {
		this.webTestClient.get().uri("/api/weather/Oslo").exchange().expectStatus().isOk();
		assertThat(output).contains("--> GET http://127.0.0.1:" + upstreamPort + "/weather/Oslo")
			.contains("<-- 200 GET http://127.0.0.1:" + upstreamPort + "/weather/Oslo")
			.doesNotContain(API_KEY);
	}

}
