package io.httpsentinel.sample.mvc;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import io.httpsentinel.autoconfigure.SentinelClientConnectionDetails;
import io.httpsentinel.test.autoconfigure.AutoConfigureSentinel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring MVC sample's {@link WeatherController} against a WireMock container that
 * {@code @ServiceConnection} makes the upstream of the {@code weather} client. Skipped
 * without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
@WebMvcTest
@AutoConfigureSentinel
@ActiveProfiles("mvc")
class WeatherControllerContainerTests {

	private static final String OSLO_STUB = """
			{"request": {"method": "GET", "urlPath": "/weather/Oslo",
			             "headers": {"x-api-key": {"equalTo": "demo-key"}}},
			 "response": {"status": 200, "headers": {"Content-Type": "application/json"},
			              "jsonBody": {"city": "Oslo", "temperatureCelsius": 4.5, "observedAt": "2026-12-06T09:00:00Z"}}}
			""";

	@Container
	@ServiceConnection(name = "weather", type = SentinelClientConnectionDetails.class)
	static final GenericContainer<?> weatherApi = new GenericContainer<>("wiremock/wiremock:3.13.2")
		.withExposedPorts(8080)
		.withCopyToContainer(Transferable.of(OSLO_STUB), "/home/wiremock/mappings/oslo.json");

	@Autowired
	private MockMvcTester mvc;

	@Test
	void theWeatherComesFromTheContainer() {
		assertThat(this.mvc.get().uri("/api/weather/Oslo")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.city")
			.isEqualTo("Oslo");
	}

	/**
	 * Only the controller under test, not the sample's embedded demo upstream.
	 */
	@SpringBootConfiguration
	@Import(WeatherController.class)
	static class SliceApplication {

	}

}
