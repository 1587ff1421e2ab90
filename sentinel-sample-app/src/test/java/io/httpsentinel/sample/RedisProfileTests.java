package io.httpsentinel.sample;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.TestSocketUtils;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.resilience.RedisFailureMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app's {@code redis} profile (application-redis.yml) shares the weather
 * client's rate limit through Redis, and the app starts and serves even when no Redis
 * answers: the client starts on its failure mode, this instance's share of the limit.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("redis")
@AutoConfigureWebTestClient(timeout = "30s")
@Import(OneRequestPerConnection.class)
class RedisProfileTests {

	@Autowired
	private WebTestClient webTestClient;

	@Autowired
	private SentinelClients clients;

	@DynamicPropertySource
	static void noRedisAndTheDemoUpstreamOnFreePorts(DynamicPropertyRegistry registry) {
		DemoUpstreamPorts.register(registry);
		int nothing = TestSocketUtils.findAvailableTcpPort();
		registry.add("sentinel.redis.url", () -> "redis://127.0.0.1:" + nothing);
	}

	@Test
	void theWeatherClientSharesItsLimitAndServesOnItsShareWithoutRedis() {
		assertThat(this.clients.get("weather").settings().rateLimit().isShared()).isTrue();
		this.webTestClient.get().uri("/api/weather/Oslo").exchange().expectStatus().isOk();
		assertThat(this.clients.get("weather").sharedRateLimit()).hasValueSatisfying((shared) -> {
			assertThat(shared.fallingBackSince()).isPresent();
			assertThat(shared.onFailure()).isEqualTo(RedisFailureMode.LOCAL);
			assertThat(shared.replicas()).isEqualTo(2);
		});
		this.webTestClient.get()
			.uri("/actuator/sentinel/weather")
			.exchange()
			.expectBody()
			.jsonPath("$.state.sharedRateLimit.state")
			.isEqualTo("FALLBACK");
	}

}
