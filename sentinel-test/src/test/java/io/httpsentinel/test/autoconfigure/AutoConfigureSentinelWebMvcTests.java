package io.httpsentinel.test.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.web.client.HttpServerErrorException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A standard {@code @WebMvcTest} of a controller that injects {@code SentinelClients} and
 * the {@code SseProxy}: {@link AutoConfigureSentinel} is all it adds, and the
 * {@code weather} client calls a MockWebServer, with instant retries.
 */
@WebMvcTest(controllers = WeatherMvcController.class, properties = "sentinel.defaults.retry.instant=true")
@AutoConfigureSentinel
class AutoConfigureSentinelWebMvcTests {

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

	@AfterEach
	void forgetRecordedRequests() throws InterruptedException {
		while (upstream.takeRequest(0, TimeUnit.SECONDS) != null) {
			// Each test reads its own requests.
		}
	}

	@DynamicPropertySource
	static void weatherClientCallsTheUpstream(DynamicPropertyRegistry registry) {
		registry.add("sentinel.clients.weather.base-url", () -> "http://127.0.0.1:" + upstream.getPort());
	}

	@Test
	void theControllerCallsTheUpstreamThroughItsClientAndRetriesAtOnce() throws InterruptedException {
		upstream.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "30").build());
		upstream.enqueue(new MockResponse.Builder().body("sunny").build());
		assertThat(this.mvc.get().uri("/weather/Oslo")).hasStatusOk().hasBodyTextEqualTo("sunny");
		assertThat(upstream.takeRequest().getTarget()).isEqualTo("/weather/Oslo");
		assertThat(upstream.takeRequest().getTarget()).isEqualTo("/weather/Oslo");
	}

	@Test
	void anUpstreamThatKeepsFailingIsRetriedAsConfiguredThenReachesTheController() {
		for (int i = 0; i < 3; i++) {
			upstream.enqueue(new MockResponse.Builder().code(500).build());
		}
		int before = upstream.getRequestCount();
		assertThat(this.mvc.get().uri("/weather/Bergen")).hasFailed()
			.failure()
			.hasRootCauseInstanceOf(HttpServerErrorException.InternalServerError.class);
		// The first attempt and the two retries of the built-in defaults, without
		// waiting.
		assertThat(upstream.getRequestCount() - before).isEqualTo(3);
	}

	@Test
	void theSseProxyForwardsTheUpstreamStream() {
		upstream.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
			.body("id: 1\ndata: 12.5\n\nid: 2\ndata: 13.0\n\n")
			// The body comes after the headers, as a stream's events do.
			.bodyDelay(200, TimeUnit.MILLISECONDS)
			.build());
		MvcTestResult result = this.mvc.get().uri("/weather/Oslo/stream").exchange(Duration.ofSeconds(10));
		// exchange() follows one asynchronous dispatch: the Mono of the response entity.
		// Its Flux body is written by a second one, finished when the stream ends.
		if (result.getRequest().isAsyncStarted()) {
			result.getMvcResult().getAsyncResult(Duration.ofSeconds(10).toMillis());
		}
		assertThat(result).hasStatusOk().hasContentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM);
		assertThat(result).bodyText().endsWith("id: 1\ndata: 12.5\n\nid: 2\ndata: 13.0\n\n");
	}

}
