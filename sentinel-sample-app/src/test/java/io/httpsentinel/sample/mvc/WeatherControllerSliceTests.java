package io.httpsentinel.sample.mvc;

import java.io.IOException;
import java.net.InetAddress;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import io.httpsentinel.test.autoconfigure.AutoConfigureSentinel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @WebMvcTest} of the Spring MVC sample's {@link WeatherController}, which
 * injects {@code SentinelClients}: {@link AutoConfigureSentinel} adds Sentinel to the
 * slice, the {@code weather} client of {@code application.yml} is pointed at a
 * MockWebServer in one line, and its retries are made instant.
 */
@WebMvcTest(properties = "sentinel.defaults.retry.instant=true")
@AutoConfigureSentinel
@ActiveProfiles("mvc")
class WeatherControllerSliceTests {

	private static final String OSLO = """
			{"city":"Oslo","temperatureCelsius":4.5,"observedAt":"2026-12-06T09:00:00Z"}""";

	private static final MockWebServer upstream = new MockWebServer();

	@Autowired
	private MockMvcTester mvc;

	@BeforeAll
	static void startUpstream() throws IOException {
		upstream.start(InetAddress.getLoopbackAddress(), 0);
	}

	@AfterAll
	static void stopUpstream() {
		upstream.close();
	}

	@DynamicPropertySource
	static void weatherClientCallsTheUpstream(DynamicPropertyRegistry registry) {
		registry.add("sentinel.clients.weather.base-url", () -> "http://127.0.0.1:" + upstream.getPort());
	}

	@Test
	void theWeatherComesFromTheUpstreamWithTheConfiguredApiKeyAndAFailureRetriedAtOnce() throws InterruptedException {
		upstream.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "20").build());
		upstream.enqueue(json(OSLO));
		assertThat(this.mvc.get().uri("/api/weather/Oslo")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.city")
			.isEqualTo("Oslo");
		RecordedRequest first = upstream.takeRequest();
		assertThat(first.getTarget()).isEqualTo("/weather/Oslo");
		assertThat(first.getHeaders().get("x-api-key")).isEqualTo("demo-key");
		assertThat(upstream.takeRequest().getTarget()).isEqualTo("/weather/Oslo");
	}

	@Test
	void theHttpServiceInterfaceUsesTheSameClient() throws InterruptedException {
		upstream.enqueue(json(OSLO.replace("Oslo", "Bergen")));
		assertThat(this.mvc.get().uri("/api/weather/Bergen/via-interface")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.city")
			.isEqualTo("Bergen");
		assertThat(upstream.takeRequest().getTarget()).isEqualTo("/weather/Bergen");
	}

	private static MockResponse json(String body) {
		return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(body).build();
	}

	/**
	 * The slice's application: only the controller under test. The sample's own
	 * application class would also start its embedded demo upstream, which a test of a
	 * controller does not want.
	 */
	@SpringBootConfiguration
	@Import(WeatherController.class)
	static class SliceApplication {

	}

}
