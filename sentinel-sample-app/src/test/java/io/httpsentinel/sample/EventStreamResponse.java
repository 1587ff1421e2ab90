package io.httpsentinel.sample;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.netty.handler.codec.http.HttpHeaders;
import reactor.netty.http.client.HttpClient;

import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseParser;

/**
 * A whole response of a stream endpoint, read over a connection of its own as raw bytes
 * (as a browser receives them) until the server ends it.
 *
 * @param status the status
 * @param headers the response headers
 * @param body the body as received
 */
record EventStreamResponse(int status, HttpHeaders headers, byte[] body) {

	static EventStreamResponse get(URI url, String... headers) {
		return HttpClient.newConnection().headers((h) -> {
			for (int i = 0; i < headers.length; i += 2) {
				h.set(headers[i], headers[i + 1]);
			}
		})
			.get()
			.uri(url)
			.responseSingle((response, content) -> content.asByteArray()
				.defaultIfEmpty(new byte[0])
				.map((body) -> new EventStreamResponse(response.status().code(), response.responseHeaders(), body)))
			.block(Duration.ofSeconds(20));
	}

	/**
	 * The events of the body, parsed by Sentinel's spec-exact parser, as an
	 * {@code EventSource} would dispatch them.
	 * @return the events
	 */
	List<SseEvent> events() {
		SseParser parser = new SseParser();
		List<SseEvent> events = parser.feed(this.body, 0, this.body.length);
		parser.end();
		return events;
	}

	String text() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

}
