package io.httpsentinel.benchmarks.sse;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Reads one stream of {@link BenchUpstream} events at the receiving client, incrementally
 * over any chunking: counts the events, checks their sequence numbers (lost or duplicated
 * events), and records each event's latency (arrival minus the upstream's stamp) while
 * recording is on. Comment lines (the proxy's opening {@code :} and heartbeats) are
 * skipped. Each stream is fed by one event-loop thread; counters are read by others.
 */
public final class StreamReader implements ByteProcessor {

	private static final byte[] DATA = { 'd', 'a', 't', 'a', ':', ' ' };

	private final byte[] line = new byte[48];

	private int lineLength;

	private boolean dataSeen;

	private long seq;

	private long stamp;

	private long expected = -1;

	private volatile long first = -1;

	private long now;

	private volatile long events;

	private volatile long lost;

	private volatile long duplicated;

	private volatile boolean ended;

	private volatile boolean recording;

	private long[] latencies = new long[0];

	private int latencyCount;

	/**
	 * Read a chunk of the stream (on the thread that receives it).
	 */
	public void feed(ByteBuf chunk) {
		this.now = System.nanoTime();
		chunk.forEachByte(this);
	}

	@Override
	public boolean process(byte value) {
		if (value == '\n') {
			endLine();
		}
		else if (value != '\r') {
			if (this.lineLength < this.line.length) {
				this.line[this.lineLength] = value;
			}
			this.lineLength++;
		}
		return true;
	}

	private void endLine() {
		if (this.lineLength == 0) {
			if (this.dataSeen) {
				dispatch();
			}
			this.dataSeen = false;
		}
		else if (startsWithData()) {
			int end = Math.min(this.lineLength, this.line.length);
			int position = DATA.length;
			long number = 0;
			while (position < end && this.line[position] != ' ') {
				number = number * 10 + (this.line[position++] - '0');
			}
			this.seq = number;
			number = 0;
			position++;
			while (position < end && this.line[position] != ' ') {
				number = number * 10 + (this.line[position++] - '0');
			}
			this.stamp = number;
			this.dataSeen = true;
		}
		this.lineLength = 0;
	}

	private boolean startsWithData() {
		if (this.lineLength < DATA.length) {
			return false;
		}
		for (int i = 0; i < DATA.length; i++) {
			if (this.line[i] != DATA[i]) {
				return false;
			}
		}
		return true;
	}

	private void dispatch() {
		if (this.expected >= 0 && this.seq != this.expected) {
			if (this.seq > this.expected) {
				this.lost = this.lost + this.seq - this.expected;
			}
			else {
				this.duplicated = this.duplicated + 1;
				this.events = this.events + 1;
				return;
			}
		}
		if (this.expected < 0) {
			this.first = this.seq;
		}
		this.expected = this.seq + 1;
		if (this.recording) {
			record(this.now - this.stamp);
		}
		this.events = this.events + 1;
	}

	private synchronized void record(long latency) {
		if (this.latencyCount == this.latencies.length) {
			this.latencies = Arrays.copyOf(this.latencies, Math.max(64, this.latencyCount * 2));
		}
		this.latencies[this.latencyCount++] = latency;
	}

	/**
	 * The stream ended (completed, failed or was cancelled).
	 */
	public void ended() {
		this.ended = true;
	}

	/**
	 * Start or stop recording latencies.
	 */
	public void recording(boolean recording) {
		this.recording = recording;
	}

	/**
	 * @return the events received so far, duplicates included
	 */
	public long events() {
		return this.events;
	}

	/**
	 * @return the events skipped so far (gaps in the sequence numbers)
	 */
	public long lost() {
		return this.lost;
	}

	/**
	 * @return the events received again so far (a sequence number not above the last)
	 */
	public long duplicated() {
		return this.duplicated;
	}

	/**
	 * @return the sequence number of the first event, -1 before it
	 */
	public long first() {
		return this.first;
	}

	/**
	 * @return whether the stream ended
	 */
	public boolean hasEnded() {
		return this.ended;
	}

	/**
	 * The latencies recorded so far.
	 */
	public synchronized long[] latencies() {
		return Arrays.copyOf(this.latencies, this.latencyCount);
	}

}
