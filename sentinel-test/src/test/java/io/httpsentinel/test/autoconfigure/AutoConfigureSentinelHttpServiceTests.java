package io.httpsentinel.test.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @WebMvcTest} of a controller that calls its upstream through an HTTP service
 * interface: with the group's configuration imported (a slice skips configuration
 * classes), {@link AutoConfigureSentinel} backs the group with the Sentinel client of its
 * name, retries included.
 */
@WebMvcTest(controllers = ForecastMvcController.class, properties = "sentinel.defaults.retry.instant=true")
@Import(ForecastMvcController.HttpServices.class)
@AutoConfigureSentinel
class AutoConfigureSentinelHttpServiceTests {

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
		registry.add("sentinel.clients.weather.default-headers.x-api-key", () -> "test-key");
	}

	@Test
	void theInterfaceGroupIsBackedByTheClientOfItsName() throws InterruptedException {
		upstream.enqueue(new MockResponse.Builder().code(503).build());
		upstream.enqueue(new MockResponse.Builder().body("rain").build());
		assertThat(this.mvc.get().uri("/forecast/Oslo")).hasStatusOk().hasBodyTextEqualTo("rain");
		// Retried (Sentinel's pipeline), with the client's base URL and default headers.
		assertThat(upstream.takeRequest().getTarget()).isEqualTo("/forecast/Oslo");
		assertThat(upstream.takeRequest().getHeaders().get("x-api-key")).isEqualTo("test-key");
	}

}
