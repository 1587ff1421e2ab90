package io.httpsentinel.sse;

import java.time.Duration;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The {@link BlockSink} of a relay that forwards the upstream's bytes as they are: it
 * records, for each block, where it starts and ends in the stream and whether it has data
 * and an id (the id itself only when asked to decode ids), and keeps nothing of the
 * block's content: no data, type or comments are copied or decoded, and no event is made.
 * The blocks are those a {@link SseParser#forPassThrough pass-through parser} returns.
 * Its arrays grow on first use and are reused.
 */
final class BlockRecorder extends BlockSink {

	private static final long HAS_DATA = 1;

	private static final long HAS_ID = 2;

	private final boolean decodeIds;

	// Three longs a block: where it starts and ends, and HAS_DATA | HAS_ID.
	private long[] blocks = new long[0];

	private @Nullable String[] ids = new String[0];

	private int count;

	/**
	 * A recorder.
	 * @param decodeIds whether the id of each block is decoded ({@link #id})
	 */
	BlockRecorder(boolean decodeIds) {
		this.decodeIds = decodeIds;
	}

	/**
	 * The number of blocks recorded since {@link #reset()}.
	 * @return the count
	 */
	int count() {
		return this.count;
	}

	/**
	 * Where the {@code index}th block starts, in bytes since the start of the stream (a
	 * skipped byte order mark included; {@link EventInterpreter#end()} starts a new
	 * stream at 0).
	 * @param index the block's index
	 * @return the position of its first byte
	 */
	long start(int index) {
		return this.blocks[3 * index];
	}

	/**
	 * Where the {@code index}th block ends.
	 * @param index the block's index
	 * @return the position just after its last byte (its blank line included)
	 */
	long end(int index) {
		return this.blocks[3 * index + 1];
	}

	/**
	 * Whether the {@code index}th block has data, so that it is an event (possibly with
	 * empty data).
	 * @param index the block's index
	 * @return whether it has data
	 */
	boolean hasData(int index) {
		return (this.blocks[3 * index + 2] & HAS_DATA) != 0;
	}

	/**
	 * Whether the {@code index}th block sets the last event id.
	 * @param index the block's index
	 * @return whether it has a valid {@code id} field
	 */
	boolean hasId(int index) {
		return (this.blocks[3 * index + 2] & HAS_ID) != 0;
	}

	/**
	 * The id of the {@code index}th block, if ids are decoded.
	 * @param index the block's index
	 * @return the id, or {@code null} if it has none or ids are not decoded
	 */
	@Nullable String id(int index) {
		return this.ids[index];
	}

	/**
	 * Forget the blocks recorded, before the next chunk is read.
	 */
	void reset() {
		this.count = 0;
	}

	@Override
	void line(byte[] bytes, int offset, int length, byte[] ending, int endingOffset, int endingLength) {
	}

	@Override
	void lineFeed() {
	}

	@Override
	void comment(byte[] bytes, int offset, int length, boolean ascii) {
	}

	@Override
	void data(byte[] bytes, int offset, int length, boolean ascii) {
	}

	@Override
	void type(byte[] bytes, int offset, int length, boolean ascii) {
	}

	@Override
	void block(EventInterpreter stream, long start, long end, boolean hasData, boolean hasId,
			@Nullable Duration retry) {
		int index = 3 * this.count;
		if (index + 3 > this.blocks.length) {
			this.blocks = Arrays.copyOf(this.blocks, Math.max(24, 2 * this.blocks.length));
			this.ids = Arrays.copyOf(this.ids, this.blocks.length / 3);
		}
		this.blocks[index] = start;
		this.blocks[index + 1] = end;
		this.blocks[index + 2] = (hasData ? HAS_DATA : 0) | (hasId ? HAS_ID : 0);
		// Decoded only when asked for: a relay without resume never needs it.
		this.ids[this.count] = (this.decodeIds && hasId) ? stream.lastEventId() : null;
		this.count++;
	}

	@Override
	void clear() {
	}

}
