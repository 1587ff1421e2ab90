package io.httpsentinel.sample;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.InstanceOfAssertFactories;
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

import io.httpsentinel.sample.upstream.DemoUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/**
 * End-to-end: requests go to the app's real HTTP port, and the app calls the embedded
 * demo upstream over a real socket through the Sentinel client {@code weather}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
// Generous: the first calls of a fresh context on a busy 2-core CI machine can take
// seconds.
@AutoConfigureWebTestClient(timeout = "30s")
@Import(OneRequestPerConnection.class)
class WeatherApiTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private static final ParameterizedTypeReference<List<Map<String, Object>>> JSON_ARRAY = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private WebTestClient webTestClient;

	@Autowired
	private DemoUpstream demoUpstream;

	@DynamicPropertySource
	static void demoUpstreamOnAFreePort(DynamicPropertyRegistry registry) {
		DemoUpstreamPorts.register(registry);
	}

	@Test
	void flakyUpstreamIsRetriedTransparently() {
		int before = this.demoUpstream.flakyRequests();
		Map<String, Object> weather = this.webTestClient.get()
			.uri("/api/weather/Bergen?flaky=true")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JSON_OBJECT)
			.returnResult()
			.getResponseBody();
		assertThat(weather).containsEntry("city", "Bergen");
		// One 503, then the retry's success.
		assertThat(this.demoUpstream.flakyRequests() - before).isEqualTo(2);
	}

	@Test
	void readingsStreamReconnectsWithLastEventIdAndMissesNothing() {
		int connectionsBefore = this.demoUpstream.readingConnections();
		List<Map<String, Object>> readings = this.webTestClient.get()
			.uri("/api/weather/Tromso/readings?count=5")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JSON_ARRAY)
			.returnResult()
			.getResponseBody();
		assertThat(readings).extracting((reading) -> reading.get("id")).containsExactly("1", "2", "3", "4", "5");
		assertThat(readings).allSatisfy((reading) -> assertThat(reading.get("weather")).asInstanceOf(MAP)
			.containsEntry("city", "Tromso")
			.containsKey("temperatureFahrenheit"));
		// The upstream ends each connection after 3 readings: one reconnect.
		assertThat(this.demoUpstream.readingConnections() - connectionsBefore).isEqualTo(2);
	}

	@Test
	void weatherOfOsloComesFromTheDemoUpstreamWithFahrenheitAdded() {
		Instant before = Instant.now().minusSeconds(1);
		Map<String, Object> weather = this.webTestClient.get()
			.uri("/api/weather/Oslo")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody(JSON_OBJECT)
			.returnResult()
			.getResponseBody();
		assertThat(weather).containsOnlyKeys("city", "temperatureCelsius", "temperatureFahrenheit", "observedAt")
			.containsEntry("city", "Oslo")
			.containsEntry("temperatureCelsius", 7.5)
			.containsEntry("temperatureFahrenheit", 45.5);
		assertThat(Instant.parse((String) weather.get("observedAt"))).isBetween(before, Instant.now());
	}

	@Test
	void cityNamesNeedingUrlEncodingReachTheUpstreamIntact() {
		this.webTestClient.get()
			.uri("/api/weather/{city}", "São Paulo")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JSON_OBJECT)
			.value((weather) -> assertThat(weather).containsEntry("city", "São Paulo"));
	}

	@Test
	void clientsListsTheWeatherClientWithItsPool() {
		List<Map<String, Object>> clients = this.webTestClient.get()
			.uri("/api/clients")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JSON_ARRAY)
			.returnResult()
			.getResponseBody();
		assertThat(clients).extracting((client) -> client.get("name"))
			.containsExactlyInAnyOrder("weather", "llm", "flaky-llm", "sensors", "demo-pool");
		assertThat(clients).filteredOn((client) -> "weather".equals(client.get("name")))
			.singleElement()
			.satisfies((client) -> {
				assertThat(client).containsEntry("name", "weather")
					.containsEntry("baseUrl", "http://127.0.0.1:" + this.demoUpstream.port())
					.containsEntry("maxConnections", 20);
				assertThat(client.get("pool")).asInstanceOf(InstanceOfAssertFactories.MAP)
					.containsOnlyKeys("active", "idle", "pending", "total");
			});
	}

	@Test
	void demoUpstreamRejectsCallsWithoutTheApiKey() {
		WebTestClient upstream = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.demoUpstream.port())
			.build();
		upstream.get()
			.uri("/weather/Oslo")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNAUTHORIZED)
			.expectBody(JSON_OBJECT)
			.value((error) -> assertThat(error).containsEntry("error", "missing or wrong x-api-key header"));
	}

}
