package io.httpsentinel.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.UnpooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Flux;

import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpInputMessage;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.ServerSentEventHttpMessageReader;

import io.httpsentinel.sse.SseDecoder;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseParser;

/**
 * Sentinel's SSE parser against Spring's {@link ServerSentEventHttpMessageReader} on the
 * same bytes, cut into the same chunks, in the same run. One operation is one event, so
 * the score is events per second and {@code -prof gc}'s {@code gc.alloc.rate.norm} is
 * bytes allocated per event.
 * <ul>
 * <li>{@code kib}: 1000 events of 1 KiB ({@code data:} line of JSON), in 8 KiB chunks as
 * a busy connection delivers them;</li>
 * <li>{@code llmToken}: 1000 LLM-token events (a ~60-byte JSON {@code data:} line), one
 * chunk per event as a model streams them.</li>
 * </ul>
 * Every variant wraps the chunks in fresh Netty {@code DataBuffer}s per invocation (the
 * same cost for all; Reactor Netty delivers WebClient bodies as Netty buffers); Spring
 * reads {@code ServerSentEvent<String>} (String data, no JSON decoding), Sentinel's
 * parser is fed the buffers directly ({@code sentinelParser}) and through
 * {@link SseDecoder} over a {@code Flux} ({@code sentinelDecoder}, the like of Spring's
 * reactive path).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SseParserBenchmark {

	private static final int EVENTS = 1000;

	// Reactor Netty hands WebClient bodies over as Netty buffers.
	private static final NettyDataBufferFactory BUFFERS = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);

	private static final ResolvableType SSE_OF_STRING = ResolvableType.forClassWithGenerics(ServerSentEvent.class,
			String.class);

	@Param({ "kib", "llmToken" })
	public String shape;

	private byte[][] chunks;

	private final ServerSentEventHttpMessageReader springReader = new ServerSentEventHttpMessageReader();

	@Setup
	public void setUp() {
		List<byte[]> events = new ArrayList<>();
		for (int i = 0; i < EVENTS; i++) {
			events.add(event(i).getBytes(StandardCharsets.UTF_8));
		}
		this.chunks = "kib".equals(this.shape) ? cut(concat(events), 8192) : events.toArray(byte[][]::new);
		check();
	}

	private String event(int i) {
		if ("kib".equals(this.shape)) {
			String prefix = "data: {\"seq\":" + i + ",\"text\":\"";
			String suffix = "\"}\n\n";
			return prefix + "lorem ipsum ".repeat(90).substring(0, 1024 - prefix.length() - suffix.length()) + suffix;
		}
		return "data: {\"choices\":[{\"delta\":{\"content\":\" tok" + (i % 10) + "\"},\"index\":0}]}\n\n";
	}

	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public void sentinelParser(Blackhole blackhole) {
		SseParser parser = new SseParser();
		for (byte[] chunk : this.chunks) {
			DataBuffer buffer = BUFFERS.wrap(chunk);
			List<SseEvent> events = parser.feed(buffer);
			DataBufferUtils.release(buffer);
			for (int i = 0; i < events.size(); i++) {
				blackhole.consume(events.get(i));
			}
		}
		parser.end();
	}

	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public void sentinelDecoder(Blackhole blackhole) {
		SseDecoder.decode(body(), new SseParser()).doOnNext(blackhole::consume).then().block();
	}

	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public void springReader(Blackhole blackhole) {
		this.springReader.read(SSE_OF_STRING, new Body(body()), Map.of()).doOnNext(blackhole::consume).then().block();
	}

	/**
	 * Baseline: only wrapping and releasing the chunks, which every variant does. Its
	 * allocation per event is not the parsers'.
	 */
	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public void wrapOnly(Blackhole blackhole) {
		for (byte[] chunk : this.chunks) {
			DataBuffer buffer = BUFFERS.wrap(chunk);
			blackhole.consume(buffer);
			DataBufferUtils.release(buffer);
		}
	}

	private Flux<DataBuffer> body() {
		List<DataBuffer> buffers = new ArrayList<>(this.chunks.length);
		for (byte[] chunk : this.chunks) {
			buffers.add(BUFFERS.wrap(chunk));
		}
		return Flux.fromIterable(buffers);
	}

	// Both parsers must see the same events, or the comparison means nothing.
	private void check() {
		List<String> sentinel = SseDecoder.decode(body(), new SseParser()).map(SseEvent::data).collectList().block();
		List<String> spring = this.springReader.read(SSE_OF_STRING, new Body(body()), Map.of())
			.map((event) -> (String) ((ServerSentEvent<?>) event).data())
			.collectList()
			.block();
		if (sentinel == null || sentinel.size() != EVENTS || !sentinel.equals(spring)) {
			throw new IllegalStateException("Parsers disagree on the benchmark input");
		}
	}

	private static byte[] concat(List<byte[]> parts) {
		int length = parts.stream().mapToInt((part) -> part.length).sum();
		byte[] all = new byte[length];
		int offset = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, all, offset, part.length);
			offset += part.length;
		}
		return all;
	}

	private static byte[][] cut(byte[] all, int size) {
		List<byte[]> chunks = new ArrayList<>();
		for (int i = 0; i < all.length; i += size) {
			chunks.add(Arrays.copyOfRange(all, i, Math.min(all.length, i + size)));
		}
		return chunks.toArray(byte[][]::new);
	}

	private record Body(Flux<DataBuffer> body) implements ReactiveHttpInputMessage {

		private static final HttpHeaders HEADERS = new HttpHeaders();

		static {
			HEADERS.setContentType(MediaType.TEXT_EVENT_STREAM);
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return this.body;
		}

		@Override
		public HttpHeaders getHeaders() {
			return HEADERS;
		}

	}

}
