package io.httpsentinel.chaos;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.httpsentinel.testsupport.LoopbackServer;

/**
 * The real upstream behind {@link FaultInjectingProxy}: a Reactor Netty server on
 * loopback with a JSON resource, an order endpoint that counts each request id it
 * processes (to prove a POST never arrives twice), a streamed body and a finite event
 * stream. Close it at the end of a test.
 */
final class ChaosUpstream implements AutoCloseable {

	/** Header carrying the caller's id of a request, counted by the upstream. */
	static final String REQUEST_ID = "x-request-id";

	/** Events of {@code /events}. */
	static final int EVENTS = 20;

	/** Chunks of {@code /stream}, each {@link #STREAM_CHUNK} long. */
	static final int STREAM_CHUNKS = 16;

	static final String STREAM_CHUNK = "0123456789abcdef".repeat(32);

	static final String JSON = "{\"city\":\"Zürich\",\"hours\":[" + "{\"t\":12.5,\"rain\":false},".repeat(12)
			+ "{\"t\":11.0,\"rain\":true}]}";

	private final AtomicLong requests = new AtomicLong();

	private final Map<String, AtomicInteger> orders = new ConcurrentHashMap<>();

	private final LoopbackServer server;

	ChaosUpstream() {
		this.server = LoopbackServer.start((routes) -> routes.get("/json", (request, response) -> {
			this.requests.incrementAndGet();
			return response.header("content-type", "application/json").sendString(Mono.just(JSON));
		}).post("/orders", (request, response) -> {
			this.requests.incrementAndGet();
			String id = request.requestHeaders().get(REQUEST_ID, "none");
			int seen = this.orders.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
			return request.receive()
				.aggregate()
				.asString(StandardCharsets.UTF_8)
				.defaultIfEmpty("")
				.flatMap((body) -> response.header("content-type", "application/json")
					.sendString(Mono.just("{\"id\":\"" + id + "\",\"seen\":" + seen + "}"))
					.then());
		}).get("/stream", (request, response) -> {
			this.requests.incrementAndGet();
			return response.header("content-type", "application/octet-stream")
				.sendString(Flux.range(0, STREAM_CHUNKS).map((i) -> STREAM_CHUNK));
		}).get("/events", (request, response) -> {
			this.requests.incrementAndGet();
			return response.header("content-type", "text/event-stream")
				.sendString(Flux.range(1, EVENTS).map((i) -> "id: " + i + "\ndata: {\"n\":" + i + "}\n\n"));
		}));
	}

	URI baseUrl() {
		return this.server.baseUrl();
	}

	/**
	 * Requests the upstream processed.
	 * @return the count
	 */
	long requests() {
		return this.requests.get();
	}

	/**
	 * How many times each order id arrived.
	 * @return the counts by request id
	 */
	Map<String, AtomicInteger> orders() {
		return this.orders;
	}

	int openConnections() {
		return this.server.openConnections();
	}

	@Override
	public void close() {
		this.server.close();
	}

}
