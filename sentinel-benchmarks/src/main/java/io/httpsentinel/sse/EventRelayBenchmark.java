package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;

/**
 * CPU cost of {@code SseProxy}'s pass-through relay ({@link PassThroughRelay}) per
 * upstream read, next to copying the same bytes once: 16 events of 1 KiB in one 16 KiB
 * pooled direct buffer, as Reactor Netty reads them in {@code SseProxyLoadBenchmark}. The
 * relay forwards slices of that buffer; the copy is what forwarding a heap copy would
 * cost at least. In this package to reach the package-private relay. Scores are ns per
 * read (divide by 16 for an event).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventRelayBenchmark {

	static final int EVENTS = 16;

	private static final NettyDataBufferFactory BUFFERS = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);

	private ByteBuf chunk;

	private DataBuffer heapChunk;

	private EventRelay relay;

	private long seq;

	@Setup
	public void setUp() {
		StringBuilder events = new StringBuilder();
		for (int i = 1; i <= EVENTS; i++) {
			String head = "id: " + i + "\ndata: " + i + " 81234567890123 ";
			events.append(head).append("x".repeat(1024 - head.length() - 2)).append("\n\n");
		}
		byte[] bytes = events.toString().getBytes(StandardCharsets.US_ASCII);
		this.chunk = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
		this.heapChunk = DefaultDataBufferFactory.sharedInstance.wrap(bytes);
		this.relay = EventRelay.create(SseLimits.DEFAULTS, EventHooks.NONE, false, "");
	}

	@TearDown
	public void tearDown() {
		this.relay.release();
		this.chunk.release();
	}

	@Benchmark
	public int relayPassThrough() {
		ByteBuf out = this.relay.relay(BUFFERS.wrap(this.chunk.retainedDuplicate()));
		int size = out.readableBytes();
		out.release();
		return size;
	}

	@Benchmark
	public byte[] copyOnce() {
		byte[] copy = new byte[this.chunk.readableBytes()];
		this.chunk.getBytes(this.chunk.readerIndex(), copy);
		return copy;
	}

	@Benchmark
	public SseEvent[] parsePassThrough() {
		this.heapChunk.readPosition(0);
		return PARSER.get().feed(this.heapChunk).toArray(new SseEvent[0]);
	}

	@Benchmark
	public int parseRawRelay() {
		BlockRecorder blocks = RAW_BLOCKS.get();
		blocks.reset();
		RAW_PARSER.get().read(this.chunk, 0, 0);
		return blocks.count();
	}

	private static final ThreadLocal<SseParser> PARSER = ThreadLocal
		.withInitial(() -> SseParser.forPassThrough(SseLimits.DEFAULTS));

	private static final ThreadLocal<BlockRecorder> RAW_BLOCKS = ThreadLocal
		.withInitial(() -> new BlockRecorder(false));

	private static final ThreadLocal<EventInterpreter> RAW_PARSER = ThreadLocal
		.withInitial(() -> new EventInterpreter(SseLimits.DEFAULTS, RAW_BLOCKS.get()));

}
