package io.httpsentinel.sample;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.httpsentinel.sample.upstream.DemoStreams;
import io.httpsentinel.sample.upstream.DemoUpstream;
import io.httpsentinel.sse.SseEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end: the sample's stream endpoints, read through the app's real HTTP port, with
 * the demo upstream's streams and fault knobs behind them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class StreamEndpointsTests {

	@LocalServerPort
	private int port;

	@Autowired
	private DemoUpstream demoUpstream;

	@Autowired
	private JsonMapper jsonMapper;

	@DynamicPropertySource
	static void demoUpstreamOnAFreePort(DynamicPropertyRegistry registry) {
		DemoUpstreamPorts.register(registry);
	}

	@Test
	void chatStreamTurnsTheProviderEventsIntoTokens() {
		EventStreamResponse response = get("/api/chat/stream?interval=0");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.headers().get("Content-Type")).isEqualTo("text/event-stream");
		List<SseEvent> events = response.events();
		DemoStreams streams = this.demoUpstream.streams();
		List<String> tokens = DemoStreams.tokens(DemoStreams.REPLY);
		assertThat(events).hasSize(tokens.size() + 1);
		assertThat(events.subList(0, tokens.size())).allSatisfy((event) -> {
			assertThat(event.type()).isEqualTo(SseEvent.DEFAULT_TYPE);
			assertThat(this.jsonMapper.readTree(event.data()).propertyNames()).containsExactly("token");
		});
		assertThat(tokens(events)).isEqualTo(DemoStreams.REPLY);
		assertThat(ids(events.subList(0, tokens.size())))
			.containsExactlyElementsOf(consecutive(streams.firstTokenId(), tokens.size()));
		SseEvent done = events.get(events.size() - 1);
		assertThat(done.type()).isEqualTo("done");
		assertThat(done.id()).isEqualTo(Integer.toString(streams.chatEventCount()));
		assertThat(response.text()).doesNotContain("message_start", "ping", "content_block", "message_delta");
	}

	@Test
	void rawChatStreamIsTheProvidersStreamAsItIs() {
		EventStreamResponse proxied = get("/api/chat/stream/raw?interval=0");
		EventStreamResponse direct = EventStreamResponse
			.get(URI.create("http://127.0.0.1:" + this.demoUpstream.port() + "/v1/messages/stream?interval=0"));
		assertThat(proxied.status()).isEqualTo(200);
		assertThat(proxied.headers().get("Content-Type")).isEqualTo("text/event-stream");
		assertThat(direct.text()).contains("event: content_block_delta");
		// Byte for byte, after the comment the proxy opens the response with.
		assertThat(proxied.text()).isIn(direct.text(), ":\n\n" + direct.text());
	}

	@Test
	void chatStreamPassesTheLastEventIdOfAReconnectingClientUpstream() {
		DemoStreams streams = this.demoUpstream.streams();
		int after = streams.firstTokenId() + 9;
		EventStreamResponse response = get("/api/chat/stream?interval=0", "Last-Event-ID", Integer.toString(after));
		List<String> received = ids(response.events());
		assertThat(received.get(0)).isEqualTo(Integer.toString(after + 1));
		assertThat(received).last().isEqualTo(Integer.toString(streams.chatEventCount()));
		assertThat(streams.chatLastEventIds()).last().isEqualTo(Integer.toString(after));
	}

	@Test
	void temperatureStreamConvertsEachReadingToFahrenheit() {
		EventStreamResponse response = get("/api/temperature/stream?sensor=cellar&count=5&interval=5");
		assertThat(response.status()).isEqualTo(200);
		List<SseEvent> events = response.events();
		assertThat(ids(events)).containsExactly("1", "2", "3", "4", "5");
		for (SseEvent event : events) {
			assertThat(event.type()).isEqualTo("reading");
			JsonNode reading = this.jsonMapper.readTree(event.data());
			assertThat(reading.propertyNames()).containsExactly("sensor", "fahrenheit", "at");
			assertThat(reading.path("sensor").asString()).isEqualTo("cellar");
			double celsius = DemoStreams.celsius("cellar", Long.parseLong(event.id()));
			assertThat(reading.path("fahrenheit").asDouble()).isEqualTo(Math.round((celsius * 9 / 5 + 32) * 10) / 10.0);
		}
	}

	@Test
	void resumableStreamDeliversEveryTokenExactlyOnceAndInOrderDespiteTheDrops() {
		DemoStreams streams = this.demoUpstream.streams();
		int connectionsBefore = streams.chatConnections();
		EventStreamResponse response = get("/api/resumable/stream?interval=0");
		assertThat(response.status()).isEqualTo(200);
		List<SseEvent> events = response.events();
		List<String> tokens = DemoStreams.tokens(DemoStreams.REPLY);
		assertThat(events).extracting(SseEvent::type).doesNotContain("error");
		assertThat(tokens(events)).isEqualTo(DemoStreams.REPLY);
		List<String> expectedIds = consecutive(streams.firstTokenId(), tokens.size());
		expectedIds.add(Integer.toString(streams.chatEventCount()));
		assertThat(ids(events)).containsExactlyElementsOf(expectedIds);
		int connections = streams.chatConnections() - connectionsBefore;
		// Every connection but the last one dropped after 4 events, and was resumed after
		// the last id forwarded.
		assertThat(connections).isGreaterThanOrEqualTo(streams.chatEventCount() / 4);
		List<String> lastEventIds = streams.chatLastEventIds();
		List<String> expected = new ArrayList<>();
		expected.add("-");
		for (int id = 4; expected.size() < connections; id += 4) {
			expected.add(Integer.toString(id));
		}
		assertThat(lastEventIds.subList(lastEventIds.size() - connections, lastEventIds.size()))
			.containsExactlyElementsOf(expected);
	}

	@ParameterizedTest
	@ValueSource(ints = { 429, 503 })
	void upstreamRefusingTheStreamBecomesA503WithRetryAfterBeforeAnyByte(int upstreamStatus) {
		EventStreamResponse response = get("/api/chat/stream?status=" + upstreamStatus + "&retryAfter=1");
		assertThat(response.status()).isEqualTo(503);
		assertThat(response.headers().get("Retry-After")).isEqualTo("1");
		assertThat(response.headers().get("Content-Type")).isEqualTo("application/problem+json");
		assertThat(response.text()).doesNotContain("event:", "data:");
	}

	@Test
	void upstreamFailingAfterTheCommitEndsTheStreamWithAnErrorEvent() {
		DemoStreams streams = this.demoUpstream.streams();
		EventStreamResponse response = get("/api/chat/stream?interval=0&dropAfter=10");
		assertThat(response.status()).isEqualTo(200);
		List<SseEvent> events = response.events();
		assertThat(ids(events.subList(0, events.size() - 1)))
			.containsExactlyElementsOf(consecutive(streams.firstTokenId(), 10 - streams.firstTokenId() + 1));
		SseEvent error = events.get(events.size() - 1);
		assertThat(error.type()).isEqualTo("error");
		assertThat(error.data()).isEqualTo("{\"error\":\"upstream-disconnected\"}");
	}

	private EventStreamResponse get(String path, String... headers) {
		return EventStreamResponse.get(URI.create("http://127.0.0.1:" + this.port + path), headers);
	}

	private String tokens(List<SseEvent> events) {
		return events.stream()
			.filter((event) -> event.type().equals(SseEvent.DEFAULT_TYPE))
			.map((event) -> this.jsonMapper.readTree(event.data()).path("token").asString())
			.collect(Collectors.joining());
	}

	private static List<String> ids(List<SseEvent> events) {
		return events.stream().map(SseEvent::id).toList();
	}

	private static List<String> consecutive(int first, int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add(Integer.toString(first + i));
		}
		return ids;
	}

}
