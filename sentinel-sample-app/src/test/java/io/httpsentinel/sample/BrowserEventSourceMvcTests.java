package io.httpsentinel.sample;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.httpsentinel.sample.mvc.MvcSampleApplication;
import io.httpsentinel.sample.upstream.DemoStreams;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real browser reads a stream forwarded by Spring MVC: headless Chromium opens the
 * Spring MVC sample's page and reads {@code /api/chat/stream} with its own
 * {@code EventSource}, through {@code SseProxy} on Tomcat. Skipped where Chromium is not
 * installed ({@code apt-get install chromium}).
 */
@SpringBootTest(classes = MvcSampleApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("mvc")
class BrowserEventSourceMvcTests {

	private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(20);

	private static HeadlessChromium browser;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void demoUpstreamOnAFreePort(DynamicPropertyRegistry registry) {
		DemoUpstreamPorts.register(registry);
	}

	/**
	 * Start Chromium for the first test, or skip every test where it is not installed.
	 */
	@BeforeEach
	void startChromium() throws Exception {
		if (browser == null) {
			browser = HeadlessChromium.launchOrSkip();
		}
	}

	@AfterAll
	static void stopChromium() {
		if (browser != null) {
			browser.close();
			browser = null;
		}
	}

	@Test
	void chatPageReceivesEveryTokenForwardedBySpringMvc() throws Exception {
		HeadlessChromium.Tab page = browser.openSamplePage(this.port, STREAM_TIMEOUT);
		page.evaluate("demo.chat.start('interval=0')");
		assertThat(page.await("demo.chat.ended !== null", STREAM_TIMEOUT)).as("the chat stream ended").isTrue();
		JsonNode chat = page.evaluate("JSON.parse(JSON.stringify(demo.chat))");
		assertThat(chat.path("ended").asString()).isEqualTo("done");
		assertThat(chat.path("text").asString()).isEqualTo(DemoStreams.REPLY);
		assertThat(chat.path("opens").asInt()).isOne();
	}

}
