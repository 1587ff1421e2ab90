package io.httpsentinel.sse;

import java.time.Duration;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The {@link BlockSink} of a relay that forwards the upstream's bytes as they are: it
 * records, for each block, where it starts and ends in the stream and whether it has data
 * and an id (the id's bytes only when asked to keep ids), and keeps nothing of the
 * block's content: no data, type or comments are copied or decoded, and no event is made.
 * The blocks are those a {@link SseParser#forPassThrough pass-through parser} returns.
 * Its arrays grow on first use and are reused.
 */
final class BlockRecorder extends BlockSink {

	private static final long HAS_DATA = 1;

	private static final long HAS_ID = 2;

	private final boolean keepIds;

	// Four longs a block: where it starts and ends, HAS_DATA | HAS_ID, and where its id
	// is in idBytes (offset << 32 | length).
	private long[] blocks = new long[0];

	// The ids of the blocks recorded, one after the other, copied as they arrived.
	private final ByteSink idBytes = new ByteSink();

	private int count;

	/**
	 * A recorder.
	 * @param keepIds whether the id of each block is kept ({@link #idBytes})
	 */
	BlockRecorder(boolean keepIds) {
		this.keepIds = keepIds;
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
		return this.blocks[4 * index];
	}

	/**
	 * Where the {@code index}th block ends.
	 * @param index the block's index
	 * @return the position just after its last byte (its blank line included)
	 */
	long end(int index) {
		return this.blocks[4 * index + 1];
	}

	/**
	 * Whether the {@code index}th block has data, so that it is an event (possibly with
	 * empty data).
	 * @param index the block's index
	 * @return whether it has data
	 */
	boolean hasData(int index) {
		return (this.blocks[4 * index + 2] & HAS_DATA) != 0;
	}

	/**
	 * Whether the {@code index}th block sets the last event id.
	 * @param index the block's index
	 * @return whether it has a valid {@code id} field
	 */
	boolean hasId(int index) {
		return (this.blocks[4 * index + 2] & HAS_ID) != 0;
	}

	/**
	 * The bytes of the blocks' ids, if ids are kept: the {@code index}th block's id is at
	 * {@link #idOffset} for {@link #idLength} bytes.
	 * @return the array, or {@code null} if ids are not kept
	 */
	byte @Nullable [] idBytes() {
		return this.keepIds ? this.idBytes.array() : null;
	}

	/**
	 * Where the {@code index}th block's id starts in {@link #idBytes()}.
	 * @param index the block's index
	 * @return the offset
	 */
	int idOffset(int index) {
		return (int) (this.blocks[4 * index + 3] >>> 32);
	}

	/**
	 * The length of the {@code index}th block's id in {@link #idBytes()}.
	 * @param index the block's index
	 * @return the length in bytes
	 */
	int idLength(int index) {
		return (int) this.blocks[4 * index + 3];
	}

	/**
	 * The id of the {@code index}th block, decoded, if ids are kept.
	 * @param index the block's index
	 * @return the id, or {@code null} if it has none or ids are not kept
	 */
	@Nullable String id(int index) {
		if (!this.keepIds || !hasId(index)) {
			return null;
		}
		return Utf8.decode(this.idBytes.array(), idOffset(index), idLength(index), false);
	}

	/**
	 * Forget the blocks recorded, before the next chunk is read.
	 */
	void reset() {
		this.count = 0;
		this.idBytes.clear();
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
		int index = 4 * this.count;
		if (index + 4 > this.blocks.length) {
			// Room for one block at first: an idle stream's chunks hold one event each,
			// and its array stays for as long as the stream is open.
			this.blocks = Arrays.copyOf(this.blocks, Math.max(4, 2 * this.blocks.length));
		}
		this.blocks[index] = start;
		this.blocks[index + 1] = end;
		this.blocks[index + 2] = (hasData ? HAS_DATA : 0) | (hasId ? HAS_ID : 0);
		// Kept only when asked for (a relay without resume never needs them), as bytes:
		// a replay filter compares bytes, and decodes only the id it is asked for.
		long idAt = 0;
		if (this.keepIds && hasId) {
			ByteSink ids = this.idBytes;
			int offset = ids.length();
			ids.append(stream.lastIdBytes(), 0, stream.lastIdLength());
			idAt = ((long) offset << 32) | (ids.length() - offset);
		}
		this.blocks[index + 3] = idAt;
		this.count++;
	}

	@Override
	void clear() {
	}

}
