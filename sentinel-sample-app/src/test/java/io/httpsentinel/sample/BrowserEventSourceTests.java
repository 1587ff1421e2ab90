package io.httpsentinel.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.httpsentinel.sample.upstream.DemoStreams;
import io.httpsentinel.sample.upstream.DemoUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real browser: headless Chromium opens the sample page at {@code /}, whose script
 * reads the app's streams with the browser's own {@code EventSource}, through
 * {@code SseProxy}. Skipped where Chromium is not installed
 * ({@code apt-get install chromium}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BrowserEventSourceTests {

	private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(20);

	private static HeadlessChromium browser;

	@LocalServerPort
	private int port;

	@Autowired
	private DemoUpstream demoUpstream;

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
	void chatPageReceivesEveryTokenAndReconnectsWithLastEventIdAfterEachDrop() throws Exception {
		DemoStreams streams = this.demoUpstream.streams();
		int connectionsBefore = streams.chatConnections();
		HeadlessChromium.Tab page = openPage();
		// The upstream drops after 20 events, the proxy ends the stream with its error
		// event, and the browser reconnects 100ms later (retry: 100) with Last-Event-ID.
		page.evaluate("demo.chat.start('interval=0&dropAfter=20&retry=100')");
		awaitEnd(page, "chat");
		JsonNode chat = page.evaluate("JSON.parse(JSON.stringify(demo.chat))");
		assertThat(chat.path("ended").asString()).isEqualTo("done");
		assertThat(chat.path("text").asString()).isEqualTo(DemoStreams.REPLY);
		assertThat(page.evaluate("document.querySelector('#chat .output').textContent").asString())
			.isEqualTo(DemoStreams.REPLY);
		List<String> ids = strings(chat.path("ids"));
		List<String> expectedIds = new ArrayList<>();
		for (int id = streams.firstTokenId(); id < streams.firstTokenId()
				+ DemoStreams.tokens(DemoStreams.REPLY).size(); id++) {
			expectedIds.add(Integer.toString(id));
		}
		expectedIds.add(Integer.toString(streams.chatEventCount()));
		assertThat(ids).as("ids of the events received, each once and in order").containsExactlyElementsOf(expectedIds);
		// Connections 1, 2, 3 ended after events 20, 40, 60: the browser came back each
		// time
		// with the id of the last event it saw.
		List<String> reconnectIds = strings(chat.path("reconnectIds"));
		assertThat(reconnectIds).startsWith("20", "40");
		assertThat(chat.path("opens").asInt()).isEqualTo(reconnectIds.size() + 1);
		assertThat(strings(chat.path("errorEvents"))).hasSize(reconnectIds.size())
			.containsOnly("{\"error\":\"upstream-disconnected\"}");
		// What the browser sent reached the upstream, through the proxy.
		List<String> upstreamSaw = streams.chatLastEventIds();
		int connections = streams.chatConnections() - connectionsBefore;
		assertThat(connections).isEqualTo(reconnectIds.size() + 1);
		List<String> expectedUpstream = new ArrayList<>();
		expectedUpstream.add("-");
		expectedUpstream.addAll(reconnectIds);
		assertThat(upstreamSaw.subList(upstreamSaw.size() - connections, upstreamSaw.size()))
			.containsExactlyElementsOf(expectedUpstream);
	}

	@Test
	void resumablePageReceivesEveryTokenOnOneConnection() throws Exception {
		HeadlessChromium.Tab page = openPage();
		page.evaluate("demo.resumable.start('interval=0')");
		awaitEnd(page, "resumable");
		JsonNode resumable = page.evaluate("JSON.parse(JSON.stringify(demo.resumable))");
		assertThat(resumable.path("ended").asString()).isEqualTo("done");
		assertThat(resumable.path("text").asString()).isEqualTo(DemoStreams.REPLY);
		assertThat(resumable.path("opens").asInt()).as("the proxy resumed the upstream; the browser never reconnected")
			.isEqualTo(1);
		assertThat(strings(resumable.path("errorEvents"))).isEmpty();
		List<String> ids = strings(resumable.path("ids"));
		assertThat(ids).doesNotHaveDuplicates()
			.isSortedAccordingTo((a, b) -> Integer.parseInt(a) - Integer.parseInt(b));
	}

	@Test
	void temperaturePageShowsTheReadingsInFahrenheit() throws Exception {
		HeadlessChromium.Tab page = openPage();
		// Three readings, then the upstream ends the stream; the browser's reconnect
		// after
		// id 3 is answered 204 (passed on by the proxy), and the browser stops.
		page.evaluate("demo.temperature.start('sensor=attic&count=3&interval=20&retry=100')");
		awaitEnd(page, "temperature");
		JsonNode temperature = page.evaluate("JSON.parse(JSON.stringify(demo.temperature))");
		assertThat(temperature.path("ended").asString()).isEqualTo("closed");
		assertThat(strings(temperature.path("ids"))).containsExactly("1", "2", "3");
		String shown = page.evaluate("document.querySelector('#temperature .output').textContent").asString();
		double fahrenheit = Math.round((DemoStreams.celsius("attic", 3) * 9 / 5 + 32) * 10) / 10.0;
		assertThat(shown).startsWith(String.format(java.util.Locale.ROOT, "attic: %.1f °F at ", fahrenheit));
	}

	private HeadlessChromium.Tab openPage() throws Exception {
		return browser.openSamplePage(this.port, STREAM_TIMEOUT);
	}

	private static void awaitEnd(HeadlessChromium.Tab page, String panel) throws Exception {
		boolean ended = page.await("demo." + panel + ".ended !== null", STREAM_TIMEOUT);
		assertThat(ended)
			.as(() -> "the " + panel + " stream did not end in time: "
					+ evaluate(page,
							"JSON.stringify(demo." + panel + ") + document.querySelector('#" + panel
									+ " .log').textContent"))
			.isTrue();
	}

	private static String evaluate(HeadlessChromium.Tab page, String expression) {
		try {
			return page.evaluate(expression).asString();
		}
		catch (Exception ex) {
			return ex.toString();
		}
	}

	private static List<String> strings(JsonNode array) {
		List<String> values = new ArrayList<>();
		array.forEach((value) -> values.add(value.isString() ? value.asString() : value.toString()));
		return values;
	}

}
