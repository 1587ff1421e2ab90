package io.httpsentinel.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end: the readings stream forwarded by {@code SseProxy} through the app's real
 * HTTP port.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "10s")
@Import(OneRequestPerConnection.class)
class ReadingsStreamTests {

	@Autowired
	private WebTestClient webTestClient;

	@DynamicPropertySource
	static void demoUpstreamOnAFreePort(DynamicPropertyRegistry registry) {
		DemoUpstreamPorts.register(registry);
	}

	@Test
	void forwardsTheReadingsInFahrenheitAndResumesAfterTheLastEventId() {
		String first = read(null);
		assertThat(first).startsWith(":\n\nretry: 500\n\n")
			.contains("event: reading\nid: 1\ndata: {\"city\":\"Oslo\"")
			.contains("\"temperatureFahrenheit\":")
			.contains("id: 3\n")
			.doesNotContain("id: 4\n");
		String next = read("3");
		assertThat(next).contains("id: 4\n").contains("id: 6\n").doesNotContain("id: 3\n");
	}

	private String read(String lastEventId) {
		List<String> body = this.webTestClient.get()
			.uri("/api/weather/Oslo/readings/stream")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.headers((headers) -> {
				if (lastEventId != null) {
					headers.set("Last-Event-ID", lastEventId);
				}
			})
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.expectHeader()
			.valueEquals("X-Accel-Buffering", "no")
			// Raw bytes: as String, WebTestClient would decode the events.
			.returnResult(DataBuffer.class)
			.getResponseBody()
			.map((buffer) -> {
				String text = buffer.toString(StandardCharsets.UTF_8);
				DataBufferUtils.release(buffer);
				return text;
			})
			.collectList()
			.block(Duration.ofSeconds(10));
		return String.join("", body);
	}

}
