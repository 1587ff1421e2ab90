package io.httpsentinel.sse.proxy;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseWriter;

import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hooks of a forwarded stream: their output is framed safely by {@link SseWriter}, events
 * they pass through untouched keep their original bytes.
 */
class SseProxyHooksTests {

	private static final String UPSTREAM = "id: 1\r\nevent: reading\r\ndata: {\"celsius\":20.0}\r\n\r\n"
			+ ": keep-alive\n\n" + "id: 2\nevent: ping\ndata: -\n\n"
			+ "id: 3\nevent: reading\ndata: {\"celsius\":-5.0}\n\n";

	private ProxyApp app;

	@BeforeEach
	void start() {
		this.app = ProxyApp.start().upstream(eventStream(UPSTREAM));
	}

	@AfterEach
	void stop() {
		this.app.close();
	}

	@Test
	void mappedEventsAreWrittenByTheWriter() throws Exception {
		this.app.endpoint((proxy, client) -> proxy.from(client, (web) -> web.get().uri("/"))
			.filter((event) -> event.type().equals("reading"))
			.map((event) -> event.mutate().data(fahrenheit(event.data())).build())
			.toResponse());
		List<SseEvent> events = read();
		assertThat(events).extracting(SseEvent::data).containsExactly("{\"fahrenheit\":68.0}", "{\"fahrenheit\":23.0}");
		assertThat(events).extracting(SseEvent::id).containsExactly("1", "3");
		assertThat(events).extracting(SseEvent::type).containsExactly("reading", "reading");
	}

	@Test
	void lineBreaksInMappedDataBecomeSeparateDataLines() throws Exception {
		this.app.endpoint((proxy, client) -> proxy.from(client, (web) -> web.get().uri("/"))
			.map((event) -> event.mutate().data("first\r\nsecond\rthird\nfourth").build())
			.toResponse());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			downstream.awaitEnd();
			assertThat(downstream.text()).contains("data: first\ndata: second\ndata: third\ndata: fourth\n\n")
				.doesNotContain("\r");
			assertThat(downstream.events()).extracting(SseEvent::data).containsOnly("first\nsecond\nthird\nfourth");
		}
	}

	@Test
	void eventsAHookPassesThroughUntouchedKeepTheirBytes() throws Exception {
		this.app.endpoint((proxy, client) -> proxy.from(client, (web) -> web.get().uri("/"))
			.filter((event) -> !event.type().equals("ping"))
			.toResponse());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			downstream.awaitEnd();
			assertThat(downstream.text()).isEqualTo(":\n\nid: 1\r\nevent: reading\r\ndata: {\"celsius\":20.0}\r\n\r\n"
					+ ": keep-alive\n\n" + "id: 3\nevent: reading\ndata: {\"celsius\":-5.0}\n\n");
		}
	}

	@Test
	void flatMapSplitsAndDropsEvents() throws Exception {
		this.app.endpoint((proxy, client) -> proxy.from(client, (web) -> web.get().uri("/"))
			.flatMap((event) -> event.type().equals("ping") ? null
					: List.of(SseEvent.of("token", "a"), SseEvent.of("token", "b")))
			.toResponse());
		assertThat(read()).extracting(SseEvent::data).containsExactly("a", "b", "a", "b");
	}

	@Test
	void anEventThatCannotBeFramedEndsTheStreamWithTheProxyErrorEvent() throws Exception {
		this.app.endpoint((proxy, client) -> proxy.from(client, (web) -> web.get().uri("/"))
			.map((event) -> event.mutate().id("line\nbreak").build())
			.toResponse());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.text()).isEqualTo(":\n\nevent: error\ndata: {\"error\":\"proxy-error\"}\n\n");
		}
		assertThat(this.app.upstream.awaitClosedConnections(1, Downstream.TIMEOUT)).isTrue();
	}

	@Test
	void aFailingHookEndsTheStreamAfterTheEventsBeforeIt() throws Exception {
		this.app.endpoint((proxy, client) -> proxy.from(client, (web) -> web.get().uri("/")).map((event) -> {
			if (event.type().equals("ping")) {
				throw new IllegalStateException("boom");
			}
			return event;
		}).toResponse());
		List<SseEvent> events = read();
		assertThat(events).extracting(SseEvent::type).containsExactly("reading", "error");
		assertThat(events.get(1).data()).isEqualTo("{\"error\":\"proxy-error\"}");
	}

	private List<SseEvent> read() throws Exception {
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).isNull();
			return downstream.events();
		}
	}

	private static String fahrenheit(String celsiusJson) {
		double celsius = Double.parseDouble(celsiusJson.replaceAll("[^-0-9.]", ""));
		return "{\"fahrenheit\":" + (celsius * 9 / 5 + 32) + "}";
	}

}
