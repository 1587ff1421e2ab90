package io.httpsentinel.sample.upstream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo upstream's two event streams, each with ids and resumable from
 * {@code Last-Event-ID}:
 * <ul>
 * <li>{@code GET /v1/messages/stream}: an LLM's reply streamed token by token in the
 * format of Anthropic's Messages API ({@code message_start}, {@code content_block_start},
 * {@code ping}, one {@code content_block_delta} per token, {@code content_block_stop},
 * {@code message_delta}, {@code message_stop}); the events are numbered 1, 2, 3, ... and
 * a reconnect after the last one is answered 204 (the reply is over);</li>
 * <li>{@code GET /sensors/{sensor}/temperature}: a reading in degrees Celsius every
 * second ({@code event: reading}), without end unless {@code count} is given.</li>
 * </ul>
 * Both take the fault knobs of {@link Knobs} as query parameters, e.g.
 * {@code ?dropAfter=4} or {@code ?status=503&retryAfter=2}.
 */
public final class DemoStreams {

	/** The demo model's reply, streamed one token at a time. */
	public static final String REPLY = "Hello! I am a demo model behind Sentinel. Every token you see left the demo"
			+ " upstream as a server-sent event, crossed SseProxy and reached your browser the moment it was"
			+ " complete. When a connection drops, the stream resumes right after the last event id.";

	/** Connections whose {@code Last-Event-ID} is remembered. */
	private static final int REMEMBERED_CONNECTIONS = 100;

	private static final Duration DEFAULT_TOKEN_INTERVAL = Duration.ofMillis(40);

	private static final Duration DEFAULT_READING_INTERVAL = Duration.ofSeconds(1);

	/**
	 * The demo LLM's request quota per minute, stated in Anthropic's rate-limit headers
	 * (not enforced) for the {@code llm} client's adaptive pacing to read.
	 */
	static final int CHAT_REQUESTS_PER_MINUTE = 1000;

	private final JsonMapper jsonMapper;

	private final List<String> chatEvents;

	private final int firstTokenId;

	private final Deque<String> chatLastEventIds = new ArrayDeque<>();

	private final AtomicInteger chatConnections = new AtomicInteger();

	/** When the quota's window ends, in milliseconds since the epoch; guarded by this. */
	private long quotaWindowEnd;

	/** Requests counted in the window; guarded by this. */
	private int quotaUsed;

	DemoStreams(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
		// The data of every event; the event type is the data's "type", the id its
		// position (from 1).
		List<Map<String, @Nullable Object>> data = new ArrayList<>();
		data.add(ordered("type", "message_start", "message",
				ordered("id", "msg_demo_01", "type", "message", "role", "assistant", "model", "demo-llm-1", "content",
						List.of(), "stop_reason", null, "usage", ordered("input_tokens", 12, "output_tokens", 1))));
		data.add(ordered("type", "content_block_start", "index", 0, "content_block",
				ordered("type", "text", "text", "")));
		data.add(ordered("type", "ping"));
		this.firstTokenId = data.size() + 1;
		List<String> tokens = tokens(REPLY);
		for (String token : tokens) {
			data.add(ordered("type", "content_block_delta", "index", 0, "delta",
					ordered("type", "text_delta", "text", token)));
		}
		data.add(ordered("type", "content_block_stop", "index", 0));
		data.add(ordered("type", "message_delta", "delta", ordered("stop_reason", "end_turn", "stop_sequence", null),
				"usage", ordered("output_tokens", tokens.size())));
		data.add(ordered("type", "message_stop"));
		List<String> events = new ArrayList<>();
		for (int i = 0; i < data.size(); i++) {
			events.add(event(String.valueOf(data.get(i).get("type")), data.get(i), i + 1));
		}
		this.chatEvents = List.copyOf(events);
	}

	/**
	 * Split a text the way an LLM's tokenizer might: words with their leading space, long
	 * words in pieces of four characters.
	 * @param text the text
	 * @return the tokens, whose concatenation is the text
	 */
	public static List<String> tokens(String text) {
		List<String> tokens = new ArrayList<>();
		for (String word : text.split("(?=\\s)")) {
			int start = 0;
			while (word.length() - start > 5) {
				tokens.add(word.substring(start, start + 4));
				start += 4;
			}
			tokens.add(word.substring(start));
		}
		return tokens;
	}

	/**
	 * The reading of a sensor with a given event id, in degrees Celsius to one decimal:
	 * the same for the same sensor and id, so that a resumed stream and a test agree.
	 * @param sensor the sensor name
	 * @param id the event id
	 * @return the temperature
	 */
	public static double celsius(String sensor, long id) {
		double base = 15 + Math.floorMod(sensor.hashCode(), 100) / 10.0;
		return Math.round((base + 3 * Math.sin(id / 5.0)) * 10) / 10.0;
	}

	/**
	 * Id of the chat stream's first token event (the events before it are
	 * {@code message_start}, {@code content_block_start} and {@code ping}).
	 * @return the id
	 */
	public int firstTokenId() {
		return this.firstTokenId;
	}

	/**
	 * Number of events of the chat stream, the last one being {@code message_stop}.
	 * @return the number
	 */
	public int chatEventCount() {
		return this.chatEvents.size();
	}

	/**
	 * The {@code Last-Event-ID} of each chat stream connection, oldest first ({@code "-"}
	 * for none), of the last 100 connections: shows the resumes and reconnects.
	 * @return the ids
	 */
	public List<String> chatLastEventIds() {
		synchronized (this.chatLastEventIds) {
			return List.copyOf(this.chatLastEventIds);
		}
	}

	/**
	 * Connections the chat stream received so far.
	 * @return the count
	 */
	public int chatConnections() {
		return this.chatConnections.get();
	}

	Publisher<Void> chat(HttpServerRequest request, HttpServerResponse response) {
		String lastEventId = request.requestHeaders().get("Last-Event-ID");
		this.chatConnections.incrementAndGet();
		synchronized (this.chatLastEventIds) {
			if (this.chatLastEventIds.size() == REMEMBERED_CONNECTIONS) {
				this.chatLastEventIds.removeFirst();
			}
			this.chatLastEventIds.addLast((lastEventId != null) ? lastEventId : "-");
		}
		stateQuota(response);
		return respond(request, response, (knobs) -> {
			int after = (int) Math.min(parseId(lastEventId), this.chatEvents.size());
			if (after == this.chatEvents.size()) {
				return null;
			}
			Flux<String> events = Flux.fromIterable(this.chatEvents.subList(after, this.chatEvents.size()));
			Duration interval = knobs.interval(DEFAULT_TOKEN_INTERVAL);
			return interval.isZero() ? events : events.delayElements(interval);
		});
	}

	/**
	 * State the quota as Anthropic does: the limit, what is left in this window, and when
	 * the window ends (RFC 3339). A window is the minute from the first request after the
	 * previous one ended.
	 */
	private void stateQuota(HttpServerResponse response) {
		long now = System.currentTimeMillis();
		int used;
		long end;
		synchronized (this) {
			if (now >= this.quotaWindowEnd) {
				this.quotaWindowEnd = now + 60_000;
				this.quotaUsed = 0;
			}
			used = ++this.quotaUsed;
			end = this.quotaWindowEnd;
		}
		response.header("anthropic-ratelimit-requests-limit", Integer.toString(CHAT_REQUESTS_PER_MINUTE))
			.header("anthropic-ratelimit-requests-remaining",
					Integer.toString(Math.max(0, CHAT_REQUESTS_PER_MINUTE - used)))
			.header("anthropic-ratelimit-requests-reset", Instant.ofEpochMilli(end).toString());
	}

	Publisher<Void> temperature(HttpServerRequest request, HttpServerResponse response) {
		String sensor = String.valueOf(request.param("sensor"));
		long after = parseId(request.requestHeaders().get("Last-Event-ID"));
		return respond(request, response, (knobs) -> {
			long last = (knobs.count() != null) ? knobs.count() : Long.MAX_VALUE;
			if (after >= last) {
				return null;
			}
			Duration interval = knobs.interval(DEFAULT_READING_INTERVAL);
			return Flux.interval(interval.isZero() ? Duration.ofMillis(1) : interval)
				.map((n) -> after + n + 1)
				.takeUntil((id) -> id >= last)
				.map((id) -> event("reading", ordered("sensor", sensor, "celsius", celsius(sensor, id), "at",
						Instant.now().truncatedTo(ChronoUnit.MILLIS).toString()), id));
		});
	}

	/**
	 * Answer a stream request: its knobs' status, 204 when there is nothing left, or the
	 * events with the knobs' faults.
	 */
	private Publisher<Void> respond(HttpServerRequest request, HttpServerResponse response, StreamSource source) {
		Knobs knobs;
		try {
			knobs = Knobs.of(request.uri());
		}
		catch (IllegalArgumentException ex) {
			return json(response.status(HttpResponseStatus.BAD_REQUEST), ordered("type", "error", "error",
					ordered("type", "invalid_request_error", "message", ex.getMessage())));
		}
		if (knobs.status() != null) {
			return refuse(response, knobs.status(), knobs.retryAfter());
		}
		Flux<String> events = source.events(knobs);
		if (events == null) {
			return response.status(HttpResponseStatus.NO_CONTENT).send();
		}
		response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
			.header(HttpHeaderNames.CACHE_CONTROL, "no-cache");
		if (knobs.stallAfter() != null) {
			// Goes silent with the connection open, as a stuck upstream does.
			return response.sendString(withRetry(knobs, events.take(knobs.stallAfter()).concatWith(Flux.never())),
					StandardCharsets.UTF_8);
		}
		if (knobs.dropAfter() != null) {
			// Closes the connection in the middle of the response, as a failing upstream
			// or a network hiccup does (a stream that ends before ends cleanly).
			int dropAfter = knobs.dropAfter();
			AtomicInteger sent = new AtomicInteger();
			Flux<String> sending = events.take(dropAfter).doOnNext((event) -> sent.incrementAndGet());
			return response.sendString(withRetry(knobs, sending), StandardCharsets.UTF_8)
				.then()
				.then(Mono.fromRunnable(() -> {
					if (sent.get() == dropAfter) {
						response.withConnection((connection) -> connection.channel().close());
					}
				}));
		}
		return response.sendString(withRetry(knobs, events), StandardCharsets.UTF_8);
	}

	private static Flux<String> withRetry(Knobs knobs, Flux<String> events) {
		return (knobs.retry() != null) ? events.startWith("retry: " + knobs.retry() + "\n\n") : events;
	}

	private Publisher<Void> refuse(HttpServerResponse response, int status, @Nullable Integer retryAfter) {
		if (retryAfter != null) {
			response.header(HttpHeaderNames.RETRY_AFTER, Integer.toString(retryAfter));
		}
		String type = (status == 429) ? "rate_limit_error"
				: (status == 529 || status == 503) ? "overloaded_error" : "api_error";
		return json(response.status(status), ordered("type", "error", "error",
				ordered("type", type, "message", "Demo upstream answering " + status + " as asked (status knob)")));
	}

	private Publisher<Void> json(HttpServerResponse response, Object body) {
		return response.header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
			.sendString(Mono.just(this.jsonMapper.writeValueAsString(body)));
	}

	private String event(String type, Object data, long id) {
		return "event: " + type + "\nid: " + id + "\ndata: " + this.jsonMapper.writeValueAsString(data) + "\n\n";
	}

	private static long parseId(@Nullable String lastEventId) {
		try {
			return (lastEventId != null) ? Math.max(0, Long.parseLong(lastEventId.strip())) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/** A JSON object with its keys in the given order (pairs of key and value). */
	private static Map<String, @Nullable Object> ordered(@Nullable Object... pairs) {
		Map<String, @Nullable Object> map = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			map.put(String.valueOf(pairs[i]), pairs[i + 1]);
		}
		return map;
	}

	@FunctionalInterface
	private interface StreamSource {

		/** The events to send, or {@code null} when the stream is over (204). */
		@Nullable Flux<String> events(Knobs knobs);

	}

}
