package io.httpsentinel.sample.web;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.sse.proxy.SseForward;
import io.httpsentinel.sse.proxy.SseProxy;

/**
 * Forwards the demo LLM's token stream to the caller with {@link SseProxy}, rewritten by
 * {@link TokenEvents} into {@code {"token": ...}} events. Open {@code /} in a browser to
 * watch it.
 */
@RestController
public class ChatStreamController {

	/** The demo upstream's LLM-style stream (Anthropic's event format). */
	private static final String MESSAGES = "/v1/messages/stream";

	/** The upstream connection of the resumable stream drops after this many events. */
	static final int RESUMABLE_DROP_AFTER = 4;

	private final SentinelClient llm;

	private final SentinelClient flakyLlm;

	private final SseProxy sseProxy;

	private final TokenEvents tokenEvents;

	public ChatStreamController(SentinelClients clients, SseProxy sseProxy, JsonMapper jsonMapper) {
		this.llm = clients.get("llm");
		this.flakyLlm = clients.get("flaky-llm");
		this.sseProxy = sseProxy;
		this.tokenEvents = new TokenEvents(jsonMapper);
	}

	/**
	 * The reply as a stream of tokens. Not resumed: when the upstream fails after the
	 * first byte went out, the stream ends with an {@code event: error}; a browser then
	 * reconnects with {@code Last-Event-ID}, which goes upstream. Try
	 * {@code ?dropAfter=10}, {@code ?stallAfter=10} or {@code ?status=503&retryAfter=2}
	 * ({@link DemoFaults}).
	 * @param faults fault knobs for the demo upstream
	 * @return the stream
	 */
	@GetMapping(path = "/api/chat/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public Mono<ResponseEntity<Flux<DataBuffer>>> chat(DemoFaults faults) {
		return tokens(this.llm, faults).toResponse();
	}

	/**
	 * The provider's stream as it is: {@link SseProxy#forward} without hooks passes the
	 * events through without decoding, re-encoding or copying them (the cheapest way to
	 * forward a stream whose format the caller understands). Same fault knobs as
	 * {@link #chat}.
	 * @param faults fault knobs for the demo upstream
	 * @return the stream
	 */
	@GetMapping(path = "/api/chat/stream/raw", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public Mono<ResponseEntity<Flux<DataBuffer>>> chatAsIs(DemoFaults faults) {
		return this.sseProxy.forward(this.llm,
				(web) -> web.get().uri((uri) -> faults.addTo(uri.path(MESSAGES)).build()));
	}

	/**
	 * The same reply, resumed: the upstream connection drops every
	 * {@value #RESUMABLE_DROP_AFTER} events, and the proxy reconnects it with
	 * {@code Last-Event-ID} while the caller's connection stays open, so the caller sees
	 * every token exactly once, in order, on one connection.
	 * @param faults fault knobs for the demo upstream ({@code dropAfter} defaults to
	 * {@value #RESUMABLE_DROP_AFTER})
	 * @return the stream
	 */
	@GetMapping(path = "/api/resumable/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public Mono<ResponseEntity<Flux<DataBuffer>>> resumable(DemoFaults faults) {
		return tokens(this.flakyLlm, faults.orDropAfter(RESUMABLE_DROP_AFTER)).resume(true).toResponse();
	}

	private SseForward tokens(SentinelClient client, DemoFaults faults) {
		return this.sseProxy.from(client, (web) -> web.get().uri((uri) -> faults.addTo(uri.path(MESSAGES)).build()))
			.flatMap(this.tokenEvents::toClientEvents);
	}

}
