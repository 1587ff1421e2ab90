package io.httpsentinel.test.testcontainers;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.http.ResponseEntity;

import io.httpsentinel.autoconfigure.SentinelClientConnectionDetails;
import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real WireMock container as the upstream of the Sentinel client {@code weather}
 * through {@code @ServiceConnection}. Skipped without Docker;
 * {@link ServiceConnectionWiringTests} covers the same wiring without it.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(properties = "sentinel.clients.weather.timeouts.connect=2s")
class ServiceConnectionContainerTests {

	@Container
	@ServiceConnection(name = "weather", type = SentinelClientConnectionDetails.class)
	static final GenericContainer<?> wiremock = new GenericContainer<>("wiremock/wiremock:3.13.2")
		.withExposedPorts(8080);

	@Autowired
	private SentinelClients clients;

	@Test
	void theClientCallsTheContainer() {
		assertThat(this.clients.get("weather").settings().baseUrl())
			.hasToString("http://" + wiremock.getHost() + ":" + wiremock.getFirstMappedPort());
		ResponseEntity<String> health = this.clients.get("weather")
			.restClient()
			.get()
			.uri("/__admin/health")
			.retrieve()
			.toEntity(String.class);
		assertThat(health.getStatusCode().value()).isEqualTo(200);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
