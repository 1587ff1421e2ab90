package io.httpsentinel.sse;

import java.util.Arrays;

/**
 * A growable byte array, reused across events. Bounds are enforced by its users.
 */
final class ByteSink {

	private static final byte[] EMPTY = {};

	// The least a sink grows to: a few appends of short values take one allocation.
	// Small:
	// a stream's sinks keep their arrays (ids, a line cut by a chunk) while it is open.
	private static final int MIN_GROWTH = 16;

	// Larger buffers are dropped after use so that an idle stream does not keep a
	// one-off large event's memory.
	private static final int RETAINED = 64 * 1024;

	private byte[] bytes;

	private int length;

	/**
	 * An empty sink that allocates on first use: a stream that never needs it (a relay
	 * without hooks never keeps data) costs no array.
	 */
	ByteSink() {
		this.bytes = EMPTY;
	}

	ByteSink(int capacity) {
		this.bytes = new byte[capacity];
	}

	byte[] array() {
		return this.bytes;
	}

	int length() {
		return this.length;
	}

	void length(int length) {
		this.length = length;
	}

	void ensureSpace(int extra) {
		int needed = this.length + extra;
		if (needed > this.bytes.length) {
			int grown = Math.max(Math.max(needed, MIN_GROWTH),
					(int) Math.min(Integer.MAX_VALUE - 16, this.bytes.length * 2L));
			this.bytes = Arrays.copyOf(this.bytes, grown);
		}
	}

	void append(byte b) {
		ensureSpace(1);
		this.bytes[this.length++] = b;
	}

	void append(byte[] source, int offset, int count) {
		ensureSpace(count);
		System.arraycopy(source, offset, this.bytes, this.length, count);
		this.length += count;
	}

	boolean contentEquals(byte[] other, int offset, int count) {
		return this.length == count && Arrays.equals(this.bytes, 0, count, other, offset, offset + count);
	}

	void set(byte[] source, int offset, int count) {
		this.length = 0;
		append(source, offset, count);
	}

	byte[] toByteArray() {
		return Arrays.copyOf(this.bytes, this.length);
	}

	/**
	 * Empty the sink, dropping a large array.
	 */
	void clear() {
		this.length = 0;
		if (this.bytes.length > RETAINED) {
			this.bytes = EMPTY;
		}
	}

}
