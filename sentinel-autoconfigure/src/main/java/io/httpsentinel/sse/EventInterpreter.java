package io.httpsentinel.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Interprets lines as the spec's "Interpreting an event stream" section says: comments,
 * fields (names compared on bytes, values decoded only when used), the data, event type
 * and last event id buffers, the reconnection time, and dispatch on a blank line. It also
 * bounds a block's size and keeps its raw bytes when asked.
 */
final class EventInterpreter implements LineReader.Lines {

	private static final byte LF = '\n';

	private final SseLimits limits;

	private final int maxEvent;

	private final boolean keepComments;

	private final boolean blocksWithoutData;

	// False for a relay that forwards raw bytes only: data is neither kept nor decoded,
	// and no events are made, only blocks recorded.
	private final boolean keepData;

	private final boolean decodeIds;

	// Whether the block had a data line (its data may still be empty).
	private boolean blockHasData;

	// Block state: everything since the last blank line.
	private long blockSize;

	private boolean blockHasLines;

	private final ByteSink data = new ByteSink();

	private boolean dataAscii = true;

	private final ByteSink type = new ByteSink();

	private boolean typeAscii = true;

	private boolean blockHasId;

	private @Nullable Duration blockRetry;

	private @Nullable ArrayList<String> comments;

	private final @Nullable ByteSink raw;

	// Stream state.
	private final ByteSink idBuffer = new ByteSink();

	private boolean idAscii = true;

	private boolean idChanged;

	private String lastEventId = "";

	// Without events: the bytes of the last event id, decoded when asked for.
	private final ByteSink lastIdBytes = new ByteSink();

	private boolean lastIdAscii = true;

	private boolean lastIdStale;

	private @Nullable Duration reconnectionTime;

	// The last type decoded, reused while the type stays the same.
	private final ByteSink cachedTypeBytes = new ByteSink();

	private String cachedType = SseEvent.DEFAULT_TYPE;

	// Where the block in progress starts in the stream.
	private long blockStart;

	// For a raw relay: the blocks dispatched since the last clearBlocks(), three longs
	// each: where they start and end in the stream, and HAS_DATA | HAS_ID.
	private long[] blocks = new long[0];

	private @Nullable String[] blockIds = new String[0];

	private int blockCount;

	private static final long HAS_DATA = 1;

	private static final long HAS_ID = 2;

	// Events dispatched since they were last taken.
	private @Nullable SseEvent first;

	private @Nullable ArrayList<SseEvent> more;

	/**
	 * An interpreter.
	 * @param limits the bounds
	 * @param retainRaw whether events keep their raw bytes
	 * @param keepComments whether events keep their comments
	 * @param blocksWithoutData whether blocks without data are returned too
	 * @param keepData whether data is kept and events are made; without, only where each
	 * block is and what it has is recorded (a raw relay), see {@link #blocks()}
	 * @param decodeIds for a raw relay, whether the id of each block is decoded
	 */
	EventInterpreter(SseLimits limits, boolean retainRaw, boolean keepComments, boolean blocksWithoutData,
			boolean keepData, boolean decodeIds) {
		this.keepData = keepData;
		this.decodeIds = decodeIds;
		this.limits = limits;
		this.maxEvent = (int) limits.maxEventSize().toBytes();
		this.keepComments = keepComments;
		this.blocksWithoutData = blocksWithoutData;
		this.raw = retainRaw ? new ByteSink() : null;
	}

	String lastEventId() {
		if (this.lastIdStale) {
			this.lastEventId = Utf8.decode(this.lastIdBytes.array(), 0, this.lastIdBytes.length(), this.lastIdAscii);
			this.lastIdStale = false;
		}
		return this.lastEventId;
	}

	@Nullable Duration reconnectionTime() {
		return this.reconnectionTime;
	}

	boolean hasDispatched() {
		return this.first != null;
	}

	/**
	 * The events dispatched since the last call.
	 * @return the events, possibly none
	 */
	List<SseEvent> takeDispatched() {
		SseEvent single = this.first;
		if (single == null) {
			return List.of();
		}
		List<SseEvent> several = this.more;
		this.first = null;
		this.more = null;
		return (several != null) ? several : List.of(single);
	}

	/**
	 * End of a stream: discard the block in progress, keep what was dispatched.
	 */
	void endOfStream() {
		discardBlock();
		if (this.idChanged) {
			// The buffer may hold an id of the discarded block: carry over the last event
			// id that was set.
			this.idBuffer.length(0);
			String last = lastEventId();
			Utf8.encode(last, 0, last.length(), this.idBuffer);
			this.idAscii = false;
			this.idChanged = false;
		}
	}

	/**
	 * Where the block in progress started, if one is.
	 * @return the position in the stream, or -1 if no block is in progress
	 */
	long blockStart() {
		return this.blockHasLines ? this.blockStart : -1;
	}

	/**
	 * For a raw relay: the number of blocks dispatched since {@link #clearBlocks()}.
	 * @return the count
	 */
	int blocks() {
		return this.blockCount;
	}

	long start(int index) {
		return this.blocks[3 * index];
	}

	long end(int index) {
		return this.blocks[3 * index + 1];
	}

	boolean hasData(int index) {
		return (this.blocks[3 * index + 2] & HAS_DATA) != 0;
	}

	boolean hasId(int index) {
		return (this.blocks[3 * index + 2] & HAS_ID) != 0;
	}

	@Nullable String id(int index) {
		return this.blockIds[index];
	}

	void clearBlocks() {
		this.blockCount = 0;
	}

	@Override
	public void line(byte[] bytes, int offset, int length, boolean ascii, byte[] ending, int endingOffset,
			int endingLength, long end) {
		if (length > 0 && !this.blockHasLines) {
			this.blockStart = end - length - endingLength;
		}
		if (length > 0) {
			// The blank line ending a block does not count: its LF may arrive with the
			// next chunk, after the event was dispatched.
			long size = this.blockSize + length + endingLength;
			checkEvent(size);
			this.blockSize = size;
		}
		if (this.raw != null) {
			this.raw.append(bytes, offset, length);
			this.raw.append(ending, endingOffset, endingLength);
		}
		if (length == 0) {
			dispatch(end);
		}
		else {
			this.blockHasLines = true;
			field(bytes, offset, length, ascii);
		}
	}

	@Override
	public void lineEndContinued() {
		// Part of the block's bytes, unless the CR ended the block.
		if (this.blockSize > 0) {
			checkEvent(this.blockSize + 1);
			this.blockSize++;
			if (this.raw != null) {
				this.raw.append(LF);
			}
		}
	}

	@Override
	public void partialLine(long length) {
		checkEvent(this.blockSize + length);
	}

	private void checkEvent(long size) {
		if (size > this.maxEvent) {
			throw new SseLimitExceededException("event", SseLimits.MAX_EVENT_SIZE_KEY, this.limits.maxEventSize());
		}
	}

	private void field(byte[] b, int offset, int length, boolean ascii) {
		int end = offset + length;
		int colon = offset;
		while (colon < end && b[colon] != ':') {
			colon++;
		}
		int nameLength = colon - offset;
		int valueOffset = Math.min(colon + 1, end);
		if (valueOffset < end && b[valueOffset] == ' ') {
			valueOffset++;
		}
		int valueLength = end - valueOffset;
		if (nameLength == 0) {
			if (this.keepComments) {
				comment(Utf8.decode(b, valueOffset, valueLength, ascii));
			}
		}
		else if (nameLength == 4 && b[offset] == 'd' && b[offset + 1] == 'a' && b[offset + 2] == 't'
				&& b[offset + 3] == 'a') {
			this.blockHasData = true;
			if (this.keepData) {
				this.data.append(b, valueOffset, valueLength);
				this.data.append(LF);
				this.dataAscii &= ascii;
			}
		}
		else if (nameLength == 5 && b[offset] == 'e' && b[offset + 1] == 'v' && b[offset + 2] == 'e'
				&& b[offset + 3] == 'n' && b[offset + 4] == 't') {
			this.type.set(b, valueOffset, valueLength);
			this.typeAscii = ascii;
		}
		else if (nameLength == 2 && b[offset] == 'i' && b[offset + 1] == 'd') {
			id(b, valueOffset, valueLength, ascii);
		}
		else if (nameLength == 5 && b[offset] == 'r' && b[offset + 1] == 'e' && b[offset + 2] == 't'
				&& b[offset + 3] == 'r' && b[offset + 4] == 'y') {
			retry(b, valueOffset, valueLength);
		}
		// Any other field is ignored.
	}

	private void comment(String text) {
		if (this.comments == null) {
			this.comments = new ArrayList<>(2);
		}
		this.comments.add(text);
	}

	private void id(byte[] b, int offset, int length, boolean ascii) {
		for (int i = offset; i < offset + length; i++) {
			if (b[i] == 0) {
				return;
			}
		}
		this.idBuffer.set(b, offset, length);
		this.idAscii = ascii;
		this.idChanged = true;
		this.blockHasId = true;
	}

	private void retry(byte[] b, int offset, int length) {
		if (length == 0) {
			// Not an integer: ignored like any value that is not all digits.
			return;
		}
		long millis = 0;
		for (int i = offset; i < offset + length; i++) {
			int digit = b[i] - '0';
			if (digit < 0 || digit > 9) {
				return;
			}
			// Saturate rather than overflow: a huge value means "wait very long".
			millis = (millis > (Long.MAX_VALUE - digit) / 10) ? Long.MAX_VALUE : millis * 10 + digit;
		}
		Duration previous = this.reconnectionTime;
		Duration retry = (previous != null && previous.toMillis() == millis) ? previous : Duration.ofMillis(millis);
		this.reconnectionTime = retry;
		this.blockRetry = retry;
	}

	private void dispatch(long end) {
		if (!this.keepData) {
			recordBlock(end);
			return;
		}
		if (this.idChanged) {
			this.lastEventId = Utf8.decode(this.idBuffer.array(), 0, this.idBuffer.length(), this.idAscii);
			this.idChanged = false;
		}
		boolean hasData = this.blockHasData;
		if (!hasData && !(this.blocksWithoutData && this.blockHasLines)) {
			discardBlock();
			return;
		}
		// The data buffer always ends with the LF its last data line appended.
		String text = (hasData && this.keepData)
				? Utf8.decode(this.data.array(), 0, this.data.length() - 1, this.dataAscii) : "";
		List<String> blockComments = (this.comments != null) ? List.copyOf(this.comments) : List.of();
		byte[] rawBytes = (this.raw != null) ? this.raw.toByteArray() : null;
		SseEvent event = new SseEvent(typeString(), text, hasData, this.lastEventId,
				this.blockHasId ? this.lastEventId : null, this.blockRetry, blockComments, rawBytes);
		discardBlock();
		if (this.first == null) {
			this.first = event;
		}
		else {
			if (this.more == null) {
				this.more = new ArrayList<>();
				this.more.add(this.first);
			}
			this.more.add(event);
		}
	}

	private void recordBlock(long end) {
		if (this.idChanged) {
			// Decoded only when asked for: a relay without resume never needs it.
			this.lastIdBytes.set(this.idBuffer.array(), 0, this.idBuffer.length());
			this.lastIdAscii = this.idAscii;
			this.lastIdStale = true;
			this.idChanged = false;
		}
		if (this.blockHasLines) {
			int index = 3 * this.blockCount;
			if (index + 3 > this.blocks.length) {
				this.blocks = Arrays.copyOf(this.blocks, Math.max(24, 2 * this.blocks.length));
				this.blockIds = Arrays.copyOf(this.blockIds, this.blocks.length / 3);
			}
			this.blocks[index] = this.blockStart;
			this.blocks[index + 1] = end;
			this.blocks[index + 2] = (this.blockHasData ? HAS_DATA : 0) | (this.blockHasId ? HAS_ID : 0);
			this.blockIds[this.blockCount] = (this.decodeIds && this.blockHasId) ? lastEventId() : null;
			this.blockCount++;
		}
		discardBlock();
	}

	private String typeString() {
		int length = this.type.length();
		if (length == 0) {
			return SseEvent.DEFAULT_TYPE;
		}
		if (!this.cachedTypeBytes.contentEquals(this.type.array(), 0, length)) {
			this.cachedType = Utf8.decode(this.type.array(), 0, length, this.typeAscii);
			this.cachedTypeBytes.set(this.type.array(), 0, length);
		}
		return this.cachedType;
	}

	/**
	 * Drop the block in progress (its buffers; the last event id buffer and the
	 * reconnection time are stream state and stay).
	 */
	void discardBlock() {
		this.blockSize = 0;
		this.blockHasLines = false;
		this.data.clear();
		this.dataAscii = true;
		this.blockHasData = false;
		this.type.clear();
		this.typeAscii = true;
		this.blockHasId = false;
		this.blockRetry = null;
		this.comments = null;
		if (this.raw != null) {
			this.raw.clear();
		}
	}

}
