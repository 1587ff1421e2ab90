package io.httpsentinel.benchmarks.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
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
 * <li>{@code /paced?size=N&rate=R}: R events per second, starting at a random point of
 * the first period so that many streams do not tick together;</li>
 * <li>{@code /idle}: one event, then nothing.</li>
 * </ul>
 */
final class BenchUpstream implements AutoCloseable {

	private static final byte[] PADDING = new byte[64 * 1024];

	static {
		Arrays.fill(PADDING, (byte) 'x');
	}

	private final LoopResources loops;

	private final DisposableServer server;

	BenchUpstream() {
		this.loops = LoopResources.create("bench-upstream", 1, true);
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(this.loops)
			.route((routes) -> routes.get("/fast", this::fast).get("/paced", this::paced).get("/idle", this::idle))
			.bindNow(Duration.ofSeconds(10));
	}

	int port() {
		return this.server.port();
	}

	private Publisher<Void> fast(HttpServerRequest request, HttpServerResponse response) {
		int size = intParam(request, "size", 1024);
		ByteBufAllocator alloc = response.alloc();
		return stream(response).send(Flux.generate(() -> 1L, (seq, sink) -> {
			sink.next(event(alloc, seq, size));
			return seq + 1;
		}));
	}

	private Publisher<Void> paced(HttpServerRequest request, HttpServerResponse response) {
		int size = intParam(request, "size", 256);
		int rate = intParam(request, "rate", 10);
		long periodNanos = 1_000_000_000L / rate;
		Duration offset = Duration.ofNanos(ThreadLocalRandom.current().nextLong(periodNanos));
		ByteBufAllocator alloc = response.alloc();
		return stream(response)
			.send(Flux.interval(offset, Duration.ofNanos(periodNanos)).map((n) -> event(alloc, n + 1, size)));
	}

	private Publisher<Void> idle(HttpServerRequest request, HttpServerResponse response) {
		ByteBufAllocator alloc = response.alloc();
		return stream(response).send(Flux.defer(() -> Flux.just(event(alloc, 1, 64))).concatWith(Flux.never()));
	}

	private static HttpServerResponse stream(HttpServerResponse response) {
		return response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
			.header(HttpHeaderNames.CACHE_CONTROL, "no-cache");
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

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
		this.loops.disposeLater().block(Duration.ofSeconds(5));
	}

}
