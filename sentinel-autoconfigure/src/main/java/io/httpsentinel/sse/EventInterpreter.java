package io.httpsentinel.sse;

import java.nio.ByteBuffer;
import java.time.Duration;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * Interprets the lines of a stream ({@link LineReader}) as the spec's "Interpreting an
 * event stream" section says: comments, fields (names compared on bytes), the last event
 * id buffer, the reconnection time, and the end of a block on a blank line. It keeps the
 * stream's state and bounds a block's size; what a block holds (data, event type,
 * comments, raw bytes) and what becomes of it is its {@link BlockSink}'s concern.
 */
final class EventInterpreter implements LineReader.Lines {

	private final SseLimits limits;

	private final int maxEvent;

	private final LineReader reader;

	private final BlockSink sink;

	// Block state: everything since the last blank line.
	private long blockStart;

	private long blockSize;

	private boolean blockHasLines;

	private boolean blockHasData;

	private boolean blockHasId;

	private @Nullable Duration blockRetry;

	// Stream state: the id buffer, and the bytes of the last event id, decoded when
	// asked for.
	private final ByteSink idBuffer = new ByteSink();

	private boolean idAscii = true;

	private boolean idChanged;

	private final ByteSink lastIdBytes = new ByteSink();

	private boolean lastIdAscii = true;

	private boolean lastIdStale;

	private String lastEventId = "";

	private @Nullable Duration reconnectionTime;

	/**
	 * An interpreter.
	 * @param limits the bounds on lines and blocks
	 * @param sink receives the blocks
	 */
	EventInterpreter(SseLimits limits, BlockSink sink) {
		this.limits = limits;
		this.maxEvent = (int) limits.maxEventSize().toBytes();
		this.reader = new LineReader(limits, this);
		this.sink = sink;
	}

	/**
	 * Read the next chunk of the stream, a {@link ByteBuf}, {@link ByteBuffer},
	 * {@link DataBuffer} or {@code byte[]}; it is neither consumed nor released.
	 * @param chunk the chunk
	 * @param offset where a {@code byte[]} chunk starts
	 * @param length the length of a {@code byte[]} chunk
	 * @throws SseLimitExceededException if a line or block is too large; the line and
	 * block in progress are dropped, the blocks before went to the sink
	 */
	void read(Object chunk, int offset, int length) {
		try {
			if (chunk instanceof ByteBuf buffer) {
				this.reader.read(buffer);
			}
			else if (chunk instanceof byte[] bytes) {
				this.reader.read(bytes, offset, offset + length);
			}
			else if (chunk instanceof ByteBuffer buffer) {
				this.reader.read(buffer);
			}
			else {
				this.reader.read((DataBuffer) chunk);
			}
		}
		catch (SseLimitExceededException ex) {
			// The stream cannot go on: drop what the bad block buffered.
			this.reader.clear();
			discardBlock();
			throw ex;
		}
	}

	/**
	 * End of a stream: discard the block in progress (its id too), keep the stream state.
	 * The next chunk starts a new stream.
	 */
	void end() {
		this.reader.reset();
		discardBlock();
		this.idChanged = false;
	}

	String lastEventId() {
		if (this.lastIdStale) {
			this.lastEventId = Utf8.decode(this.lastIdBytes.array(), 0, this.lastIdBytes.length(), this.lastIdAscii);
			this.lastIdStale = false;
		}
		return this.lastEventId;
	}

	/**
	 * The bytes of the last event id as received (UTF-8, maybe ill-formed), without
	 * decoding them: a prefix of the array, {@link #lastIdLength()} long, valid until the
	 * next block ends.
	 * @return the array
	 */
	byte[] lastIdBytes() {
		return this.lastIdBytes.array();
	}

	/**
	 * The length of the last event id's bytes.
	 * @return the length
	 */
	int lastIdLength() {
		return this.lastIdBytes.length();
	}

	@Nullable Duration reconnectionTime() {
		return this.reconnectionTime;
	}

	/**
	 * Where the bytes start that are not part of a block that went to the sink and may
	 * still be: the start of the block in progress, or of the line in progress. Bytes
	 * before it are either in blocks that went to the sink or in nothing that will (blank
	 * lines between blocks, a byte order mark).
	 * @return the position in the stream
	 */
	long pendingStart() {
		return this.blockHasLines ? this.blockStart : this.reader.lineStart();
	}

	@Override
	public void line(byte[] bytes, int offset, int length, boolean ascii, byte[] ending, int endingOffset,
			int endingLength, long end) {
		if (length > 0) {
			if (!this.blockHasLines) {
				this.blockStart = end - length - endingLength;
			}
			// The blank line ending a block does not count: its LF may arrive with the
			// next chunk, after the block ended.
			long size = this.blockSize + length + endingLength;
			checkEvent(size);
			this.blockSize = size;
		}
		this.sink.line(bytes, offset, length, ending, endingOffset, endingLength);
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
			this.sink.lineFeed();
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
			this.sink.comment(b, valueOffset, valueLength, ascii);
		}
		else if (nameLength == 4 && b[offset] == 'd' && b[offset + 1] == 'a' && b[offset + 2] == 't'
				&& b[offset + 3] == 'a') {
			this.blockHasData = true;
			this.sink.data(b, valueOffset, valueLength, ascii);
		}
		else if (nameLength == 5 && b[offset] == 'e' && b[offset + 1] == 'v' && b[offset + 2] == 'e'
				&& b[offset + 3] == 'n' && b[offset + 4] == 't') {
			this.sink.type(b, valueOffset, valueLength, ascii);
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
		if (this.idChanged) {
			// The last event id is set on every blank line; decoded when asked for.
			this.lastIdBytes.set(this.idBuffer.array(), 0, this.idBuffer.length());
			this.lastIdAscii = this.idAscii;
			this.lastIdStale = true;
			this.idChanged = false;
		}
		if (this.blockHasLines) {
			this.sink.block(this, this.blockStart, end, this.blockHasData, this.blockHasId, this.blockRetry);
		}
		discardBlock();
	}

	/**
	 * Drop the block in progress (the last event id buffer and the reconnection time are
	 * stream state and stay).
	 */
	private void discardBlock() {
		this.blockSize = 0;
		this.blockHasLines = false;
		this.blockHasData = false;
		this.blockHasId = false;
		this.blockRetry = null;
		this.sink.clear();
	}

}
