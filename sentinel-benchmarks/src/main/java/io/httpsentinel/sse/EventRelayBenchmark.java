package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * CPU cost of {@code SseProxy}'s pass-through relay ({@link EventRelay} without hooks)
 * per upstream read, next to copying the same bytes once: 16 events of 1 KiB in one 16
 * KiB read, as {@code SseProxyLoadBenchmark} streams them. In this package to reach the
 * package-private relay. Scores are ns per read (divide by 16 for an event).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventRelayBenchmark {

	static final int EVENTS = 16;

	private DataBuffer chunk;

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
		this.chunk = DefaultDataBufferFactory.sharedInstance.wrap(bytes);
		this.relay = new EventRelay(SseLimits.DEFAULTS, EventHooks.NONE, false, "");
	}

	@Benchmark
	public byte[] relayPassThrough() {
		this.chunk.readPosition(0);
		return this.relay.relay(this.chunk);
	}

	@Benchmark
	public byte[] copyOnce() {
		this.chunk.readPosition(0);
		byte[] copy = new byte[this.chunk.readableByteCount()];
		this.chunk.read(copy);
		return copy;
	}

	@Benchmark
	public SseEvent[] parsePassThrough() {
		this.chunk.readPosition(0);
		return PARSER.get().feed(this.chunk).toArray(new SseEvent[0]);
	}

	@Benchmark
	public SseEvent[] parseRawRelay() {
		this.chunk.readPosition(0);
		return RAW_PARSER.get().feed(this.chunk).toArray(new SseEvent[0]);
	}

	private static final ThreadLocal<SseParser> PARSER = ThreadLocal
		.withInitial(() -> SseParser.forPassThrough(SseLimits.DEFAULTS));

	private static final ThreadLocal<SseParser> RAW_PARSER = ThreadLocal
		.withInitial(() -> SseParser.forRawRelay(SseLimits.DEFAULTS));

}
