package io.httpsentinel.benchmarks.sse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.reactivestreams.Publisher;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The upstream of the load test, a Reactor Netty server on 127.0.0.1 serving event
 * streams whose events carry a sequence number and the {@link System#nanoTime()} at which
 * they were made: <pre>
 * id: 17
 * data: 17 81234567890123 xxxxxxxx...
 * </pre> each padded to exactly {@code size} bytes. Streams:
 * <ul>
 * <li>{@code /fast?size=N}: events as fast as the connection takes them (TCP flow control
 * paces it);</li>
 * <li>{@code /paced?size=N&rate=R}: R events per second (R may be a fraction, 0.2 is one
 * event every 5 s), starting at a random point of the first period so that many streams
 * do not tick together;</li>
 * <li>{@code /idle}: one event, then nothing;</li>
 * <li>{@code /drop?size=N&rate=R&every=E&total=T}: events 1 to T at R per second, the
 * connection dropped (closed without the end of the body) after every E events; a request
 * with {@code Last-Event-ID: n} continues at n + 1, so a client that resumes receives
 * every event exactly once.</li>
 * </ul>
 * Response headers of a stream are sent at once, before its first event. {@code /json}
 * answers 256 bytes of JSON with a {@code Content-Length} (a request/response call).
 */
public final class BenchUpstream implements AutoCloseable {

	private static final byte[] PADDING = new byte[64 * 1024];

	private static final byte[] JSON = json(256);

	static {
		Arrays.fill(PADDING, (byte) 'x');
	}

	private final AtomicInteger openStreams = new AtomicInteger();

	private final LoopResources loops;

	private final DisposableServer server;

	/**
	 * Start the server on a free port of 127.0.0.1, with an event loop of its own.
	 */
	public BenchUpstream() {
		// The drops of /drop are asked for: Reactor Netty's ERROR line with a stack trace
		// for each would bury the results.
		if (LoggerFactory.getLogger(
				"reactor.netty.http.server.HttpServerOperations") instanceof ch.qos.logback.classic.Logger logger) {
			logger.setLevel(ch.qos.logback.classic.Level.OFF);
		}
		this.loops = LoopResources.create("bench-upstream", 1, true);
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(this.loops)
			.route((routes) -> routes.get("/fast", this::fast)
				.get("/paced", this::paced)
				.get("/idle", this::idle)
				.get("/drop", this::drop)
				.get("/json", this::json))
			.bindNow(Duration.ofSeconds(10));
	}

	/**
	 * @return the port the server listens on
	 */
	public int port() {
		return this.server.port();
	}

	/**
	 * @return the {@code /paced} and {@code /idle} streams open now (a proxy that closed
	 * its client's stream closed its upstream one once this drops)
	 */
	public int openStreams() {
		return this.openStreams.get();
	}

	private Publisher<Void> fast(HttpServerRequest request, HttpServerResponse response) {
		int size = intParam(request, "size", 1024);
		ByteBufAllocator alloc = response.alloc();
		return stream(response, Flux.generate(() -> 1L, (seq, sink) -> {
			sink.next(event(alloc, seq, size));
			return seq + 1;
		}));
	}

	private Publisher<Void> paced(HttpServerRequest request, HttpServerResponse response) {
		int size = intParam(request, "size", 256);
		long periodNanos = (long) (1e9 / doubleParam(request, "rate", 10));
		Duration offset = Duration.ofNanos(ThreadLocalRandom.current().nextLong(periodNanos));
		ByteBufAllocator alloc = response.alloc();
		return stream(response,
				counted(Flux.interval(offset, Duration.ofNanos(periodNanos))
					.onBackpressureBuffer()
					.map((n) -> event(alloc, n + 1, size))));
	}

	private Publisher<Void> idle(HttpServerRequest request, HttpServerResponse response) {
		ByteBufAllocator alloc = response.alloc();
		return stream(response, counted(Flux.defer(() -> Flux.just(event(alloc, 1, 64))).concatWith(Flux.never())));
	}

	private Publisher<Void> drop(HttpServerRequest request, HttpServerResponse response) {
		int size = intParam(request, "size", 256);
		long periodNanos = (long) (1e9 / doubleParam(request, "rate", 200));
		int every = intParam(request, "every", 500);
		long total = intParam(request, "total", 2000);
		String lastEventId = request.requestHeaders().get("Last-Event-ID");
		long first = (lastEventId != null) ? Long.parseLong(lastEventId.trim()) + 1 : 1;
		long last = Math.min(total, first + every - 1);
		ByteBufAllocator alloc = response.alloc();
		Flux<ByteBuf> events = Flux.interval(Duration.ofNanos(periodNanos))
			.onBackpressureBuffer()
			.map((n) -> event(alloc, first + n, size))
			.take(Math.max(0, last - first + 1));
		// An error after the headers makes Reactor Netty flush what was written and close
		// the connection without the body's last chunk: the client sees the connection
		// drop.
		return stream(response,
				(last < total) ? events.concatWith(Mono.error(new IOException("dropped, as asked"))) : events);
	}

	private Publisher<Void> json(HttpServerRequest request, HttpServerResponse response) {
		return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(JSON.length))
			.sendByteArray(Mono.just(JSON));
	}

	private Flux<ByteBuf> counted(Flux<ByteBuf> events) {
		return events.doOnSubscribe((subscription) -> this.openStreams.incrementAndGet())
			.doFinally((signal) -> this.openStreams.decrementAndGet());
	}

	/**
	 * Send the headers at once, then the events.
	 */
	private static Publisher<Void> stream(HttpServerResponse response, Publisher<ByteBuf> events) {
		return response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
			.header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
			.sendHeaders()
			.then(response.send(events));
	}

	private static byte[] json(int size) {
		StringBuilder json = new StringBuilder("{\"id\":17,\"name\":\"benchmark\",\"items\":[");
		while (json.length() < size - 40) {
			json.append(json.charAt(json.length() - 1) == '[' ? "" : ",").append("\"item\"");
		}
		json.append("],\"padding\":\"");
		while (json.length() < size - 2) {
			json.append('x');
		}
		return json.append("\"}").toString().getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * One event of exactly {@code size} bytes, stamped now.
	 */
	static ByteBuf event(ByteBufAllocator alloc, long seq, int size) {
		String head = "id: " + seq + "\ndata: " + seq + " " + System.nanoTime() + " ";
		ByteBuf buffer = alloc.buffer(size);
		buffer.writeCharSequence(head, StandardCharsets.US_ASCII);
		buffer.writeBytes(PADDING, 0, Math.max(0, size - head.length() - 2));
		buffer.writeByte('\n').writeByte('\n');
		return buffer;
	}

	private static int intParam(HttpServerRequest request, String name, int defaultValue) {
		var values = new QueryStringDecoder(request.uri()).parameters().get(name);
		return (values != null && !values.isEmpty()) ? Integer.parseInt(values.get(0)) : defaultValue;
	}

	private static double doubleParam(HttpServerRequest request, String name, double defaultValue) {
		var values = new QueryStringDecoder(request.uri()).parameters().get(name);
		return (values != null && !values.isEmpty()) ? Double.parseDouble(values.get(0)) : defaultValue;
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
		this.loops.disposeLater().block(Duration.ofSeconds(5));
	}

}
