package io.httpsentinel.sse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * Incremental event-stream parser implementing the WHATWG HTML "Interpreting an event
 * stream" rules exactly: UTF-8 with one leading byte order mark ignored, CR, LF and CRLF
 * line ends (also when CR and LF arrive in different chunks), comment lines, fields
 * without a colon, one leading space stripped from a value, {@code data} lines joined
 * with LF, {@code id} ignored when it contains NUL, {@code retry} only when all ASCII
 * digits, dispatch on a blank line unless the data is empty, an unterminated last block
 * discarded at the end of the stream, and ill-formed UTF-8 replaced with U+FFFD as the
 * WHATWG decoder does. The same bytes give the same events however they are chunked.
 * <p>
 * It works on bytes: line ends and field names are found without decoding, and only
 * values are decoded (ASCII without any decoding work). Internal buffers are reused, so a
 * dispatched event costs the event and its strings. Lines and blocks are bounded by
 * {@link SseLimits}; exceeding them fails with {@link SseLimitExceededException}.
 * <p>
 * Not thread-safe: one parser per stream, fed in order.
 */
public final class SseParser {

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private static final long ONES = 0x0101010101010101L;

	private static final long HIGHS = 0x8080808080808080L;

	private static final long LFS = 0x0A0A0A0A0A0A0A0AL;

	private static final long CRS = 0x0D0D0D0D0D0D0D0DL;

	private static final byte CR = '\r';

	private static final byte LF = '\n';

	private static final byte[] BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };

	// Off-heap chunks are copied through this window; feeding is synchronous, so one per
	// thread suffices.
	private static final ThreadLocal<byte[]> WINDOW = ThreadLocal.withInitial(() -> new byte[8192]);

	private final SseLimits limits;

	private final int maxLine;

	private final int maxEvent;

	private final boolean retainRaw;

	private final boolean keepComments;

	private final boolean blocksWithoutData;

	// False for a relay that forwards raw bytes only: data is neither kept nor decoded.
	private final boolean keepData;

	// Line state: a line not yet ended, carried across chunks.
	private final ByteSink line = new ByteSink();

	private boolean lineAscii = true;

	private boolean afterCr;

	// Leading BOM bytes matched so far; -1 once past the start of the stream.
	private int bom;

	private boolean scanAscii;

	// Block state: everything since the last blank line.
	private long blockSize;

	private boolean blockHasLines;

	private final ByteSink data = new ByteSink();

	private boolean dataAscii = true;

	// Whether the block had a data line (its data may still be empty).
	private boolean blockHasData;

	private final ByteSink type = new ByteSink(32);

	private boolean typeAscii = true;

	private boolean blockHasId;

	private @Nullable Duration blockRetry;

	private @Nullable ArrayList<String> comments;

	private final @Nullable ByteSink raw;

	// Stream state.
	private final ByteSink idBuffer = new ByteSink(32);

	private boolean idAscii = true;

	private boolean idChanged;

	private String lastEventId = "";

	private @Nullable Duration reconnectionTime;

	private @Nullable SseLimitExceededException failure;

	// The last type decoded, reused while the type stays the same.
	private final ByteSink cachedTypeBytes = new ByteSink(32);

	private String cachedType = SseEvent.DEFAULT_TYPE;

	// Events dispatched by the current feed.
	private @Nullable SseEvent first;

	private @Nullable ArrayList<SseEvent> more;

	/**
	 * A parser with the {@link SseLimits#DEFAULTS default limits}, keeping neither raw
	 * bytes nor comments.
	 */
	public SseParser() {
		this(SseLimits.DEFAULTS, false, false);
	}

	/**
	 * A parser.
	 * @param limits the bounds on lines and events
	 * @param retainRaw whether each event keeps its bytes as received
	 * ({@link SseEvent#raw()}), for pass-through forwarding
	 * @param keepComments whether each event keeps its block's comment lines
	 * ({@link SseEvent#comments()})
	 */
	public SseParser(SseLimits limits, boolean retainRaw, boolean keepComments) {
		this(limits, retainRaw, keepComments, false, true);
	}

	private SseParser(SseLimits limits, boolean retainRaw, boolean keepComments, boolean blocksWithoutData,
			boolean keepData) {
		this.limits = limits;
		this.blocksWithoutData = blocksWithoutData;
		this.keepData = keepData;
		this.maxLine = (int) limits.maxLineSize().toBytes();
		this.maxEvent = (int) limits.maxEventSize().toBytes();
		this.retainRaw = retainRaw;
		this.keepComments = keepComments;
		this.raw = retainRaw ? new ByteSink() : null;
	}

	/**
	 * A parser for forwarding a stream as it is: it keeps raw bytes and comments, and
	 * besides the events the spec dispatches it also returns the blocks it does not
	 * dispatch because they have no data (only an {@code id}, a {@code retry}, an
	 * {@code event} or comments), as events whose {@link SseEvent#hasData()} is false.
	 * Forwarding the raw bytes of everything it returns gives a receiver the same events,
	 * last event id and reconnection time as the upstream's own bytes; blank lines
	 * between blocks and a leading byte order mark are not returned.
	 * @param limits the bounds on lines and events
	 * @return the parser
	 */
	public static SseParser forPassThrough(SseLimits limits) {
		return new SseParser(limits, true, true, true, true);
	}

	/**
	 * A {@link #forPassThrough pass-through} parser for a relay that forwards the raw
	 * bytes of what it returns and never reads the data: the events have
	 * {@link SseEvent#hasData()} as usual but an empty {@link SseEvent#data()}, which
	 * saves keeping and decoding the data of every event.
	 * @param limits the bounds on lines and events
	 * @return the parser
	 */
	static SseParser forRawRelay(SseLimits limits) {
		return new SseParser(limits, true, true, true, false);
	}

	/**
	 * Feed the next chunk of the stream. The buffer is read, not consumed and not
	 * released.
	 * @param chunk the chunk
	 * @return the events completed by this chunk, possibly none
	 * @throws SseLimitExceededException if a line or event is too large; events completed
	 * before it in the same chunk are returned first and the error is thrown by the next
	 * call of {@code feed} or {@link #end()}
	 */
	public List<SseEvent> feed(DataBuffer chunk) {
		checkNotFailed();
		try (DataBuffer.ByteBufferIterator buffers = chunk.readableByteBuffers()) {
			while (buffers.hasNext()) {
				process(buffers.next());
			}
		}
		catch (SseLimitExceededException ex) {
			fail(ex);
		}
		return dispatched();
	}

	/**
	 * Feed the next chunk of the stream. The buffer's position is not changed.
	 * @param chunk the chunk
	 * @return the events completed by this chunk, possibly none
	 * @throws SseLimitExceededException as for {@link #feed(DataBuffer)}
	 */
	public List<SseEvent> feed(ByteBuffer chunk) {
		checkNotFailed();
		try {
			process(chunk);
		}
		catch (SseLimitExceededException ex) {
			fail(ex);
		}
		return dispatched();
	}

	/**
	 * Feed the next chunk of the stream.
	 * @param bytes the bytes
	 * @param offset where the chunk starts
	 * @param length its length
	 * @return the events completed by this chunk, possibly none
	 * @throws SseLimitExceededException as for {@link #feed(DataBuffer)}
	 */
	public List<SseEvent> feed(byte[] bytes, int offset, int length) {
		checkNotFailed();
		try {
			process(bytes, offset, offset + length);
		}
		catch (SseLimitExceededException ex) {
			fail(ex);
		}
		return dispatched();
	}

	/**
	 * End of the stream: an unterminated last block is discarded, as the spec requires.
	 * The parser may then be fed a new stream (a reconnection): the last event id and the
	 * reconnection time carry over, everything else starts afresh, including the check
	 * for a leading byte order mark.
	 * @throws SseLimitExceededException if the stream failed and the error was not yet
	 * thrown
	 */
	public void end() {
		SseLimitExceededException pending = this.failure;
		this.failure = null;
		resetLine();
		resetBlock();
		this.afterCr = false;
		this.bom = 0;
		if (this.idChanged) {
			// The buffer may hold an id of the discarded block: carry over what was
			// dispatched.
			this.idBuffer.length(0);
			Utf8.encode(this.lastEventId, 0, this.lastEventId.length(), this.idBuffer);
			this.idAscii = false;
			this.idChanged = false;
		}
		if (pending != null) {
			throw pending;
		}
	}

	/**
	 * Last event id of the stream: the id buffer as of the latest blank line, also one
	 * that dispatched no event (empty data). {@code ""} until an id was received.
	 * @return the last event id
	 */
	public String lastEventId() {
		return this.lastEventId;
	}

	/**
	 * Reconnection time: the latest valid {@code retry} value received, also from a block
	 * that was not dispatched.
	 * @return the reconnection time, or {@code null} if none was received
	 */
	public @Nullable Duration reconnectionTime() {
		return this.reconnectionTime;
	}

	/**
	 * Limits of this parser.
	 * @return the limits
	 */
	public SseLimits limits() {
		return this.limits;
	}

	private void checkNotFailed() {
		SseLimitExceededException pending = this.failure;
		if (pending != null) {
			throw pending;
		}
	}

	private void fail(SseLimitExceededException ex) {
		// Drop what the bad block buffered; the stream cannot go on.
		resetLine();
		resetBlock();
		if (this.first == null) {
			throw ex;
		}
		this.failure = ex;
	}

	private List<SseEvent> dispatched() {
		SseEvent single = this.first;
		if (single == null) {
			return List.of();
		}
		List<SseEvent> several = this.more;
		this.first = null;
		this.more = null;
		return (several != null) ? several : List.of(single);
	}

	private void process(ByteBuffer chunk) {
		if (chunk.hasArray()) {
			int start = chunk.arrayOffset() + chunk.position();
			process(chunk.array(), start, start + chunk.remaining());
			return;
		}
		byte[] window = WINDOW.get();
		for (int position = chunk.position(); position < chunk.limit();) {
			int count = Math.min(window.length, chunk.limit() - position);
			chunk.get(position, window, 0, count);
			process(window, 0, count);
			position += count;
		}
	}

	private void process(byte[] bytes, int from, int to) {
		int i = from;
		if (this.bom >= 0) {
			i = skipBom(bytes, i, to);
		}
		if (this.afterCr && i < to) {
			this.afterCr = false;
			if (bytes[i] == LF) {
				// The LF of a CRLF whose CR ended the previous chunk: part of the block's
				// bytes unless that CR ended the block.
				if (this.blockSize > 0) {
					checkEvent(this.blockSize + 1);
					this.blockSize++;
					if (this.raw != null) {
						this.raw.append(LF);
					}
				}
				i++;
			}
		}
		while (i < to) {
			int end = findLineEnd(bytes, i, to);
			if (end < 0) {
				appendToLine(bytes, i, to - i, this.scanAscii);
				return;
			}
			int next = end + 1;
			if (bytes[end] == CR) {
				if (next == to) {
					this.afterCr = true;
				}
				else if (bytes[next] == LF) {
					next++;
				}
			}
			if (this.line.length() == 0) {
				completeLine(bytes, i, end - i, this.scanAscii, bytes, end, next - end);
			}
			else {
				appendToLine(bytes, i, end - i, this.scanAscii);
				completeLine(this.line.array(), 0, this.line.length(), this.lineAscii, bytes, end, next - end);
				resetLine();
			}
			i = next;
		}
	}

	private int skipBom(byte[] bytes, int from, int to) {
		int i = from;
		while (this.bom >= 0 && i < to) {
			if (bytes[i] == BOM[this.bom]) {
				i++;
				this.bom = (this.bom == 2) ? -1 : this.bom + 1;
			}
			else {
				// Not a BOM: the bytes held back are the start of the first line.
				int held = this.bom;
				this.bom = -1;
				if (held > 0) {
					appendToLine(BOM, 0, held, false);
				}
			}
		}
		return i;
	}

	/**
	 * Index of the first CR or LF, or -1; also sets {@link #scanAscii} for the bytes
	 * scanned (conservatively: it may be false for an ASCII line).
	 */
	private int findLineEnd(byte[] bytes, int from, int to) {
		long seen = 0;
		int i = from;
		// Eight bytes at a time: flag bytes equal to LF or CR (SWAR zero-byte test; the
		// lowest flagged byte is exact).
		for (int last = to - 8; i <= last; i += 8) {
			long word = (long) LONGS.get(bytes, i);
			seen |= word;
			long lf = word ^ LFS;
			long cr = word ^ CRS;
			long found = (((lf - ONES) & ~lf) | ((cr - ONES) & ~cr)) & HIGHS;
			if (found != 0) {
				this.scanAscii = (seen & HIGHS) == 0;
				return i + (Long.numberOfTrailingZeros(found) >>> 3);
			}
		}
		for (; i < to; i++) {
			byte b = bytes[i];
			seen |= b;
			if (b == LF || b == CR) {
				this.scanAscii = (seen & HIGHS) == 0;
				return i;
			}
		}
		this.scanAscii = (seen & HIGHS) == 0;
		return -1;
	}

	private void appendToLine(byte[] bytes, int offset, int count, boolean ascii) {
		if (count == 0) {
			return;
		}
		long length = (long) this.line.length() + count;
		checkLine(length);
		checkEvent(this.blockSize + length);
		this.line.append(bytes, offset, count);
		this.lineAscii &= ascii;
	}

	private void completeLine(byte[] bytes, int offset, int length, boolean ascii, byte[] ending, int endingOffset,
			int endingLength) {
		checkLine(length);
		addToBlock(bytes, offset, length, endingLength);
		if (this.raw != null) {
			this.raw.append(ending, endingOffset, endingLength);
		}
		processLine(bytes, offset, length, ascii);
	}

	private void addToBlock(byte[] bytes, int offset, int length, int endingLength) {
		long size = this.blockSize + length + endingLength;
		checkEvent(size);
		this.blockSize = size;
		if (this.raw != null) {
			this.raw.append(bytes, offset, length);
		}
	}

	private void checkLine(long length) {
		if (length > this.maxLine) {
			throw new SseLimitExceededException("line", SseLimits.MAX_LINE_SIZE_KEY, this.limits.maxLineSize());
		}
	}

	private void checkEvent(long size) {
		if (size > this.maxEvent) {
			throw new SseLimitExceededException("event", SseLimits.MAX_EVENT_SIZE_KEY, this.limits.maxEventSize());
		}
	}

	private void processLine(byte[] b, int offset, int length, boolean ascii) {
		if (length == 0) {
			dispatch();
			return;
		}
		this.blockHasLines = true;
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

	private void dispatch() {
		if (this.idChanged) {
			this.lastEventId = Utf8.decode(this.idBuffer.array(), 0, this.idBuffer.length(), this.idAscii);
			this.idChanged = false;
		}
		boolean hasData = this.blockHasData;
		if (!hasData && !(this.blocksWithoutData && this.blockHasLines)) {
			resetBlock();
			return;
		}
		// The data buffer always ends with the LF its last data line appended.
		String text = (hasData && this.keepData)
				? Utf8.decode(this.data.array(), 0, this.data.length() - 1, this.dataAscii) : "";
		List<String> blockComments = (this.comments != null) ? List.copyOf(this.comments) : List.of();
		byte[] rawBytes = (this.raw != null) ? this.raw.toByteArray() : null;
		SseEvent event = new SseEvent(typeString(), text, hasData, this.lastEventId,
				this.blockHasId ? this.lastEventId : null, this.blockRetry, blockComments, rawBytes);
		resetBlock();
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

	private void resetLine() {
		this.line.clear();
		this.lineAscii = true;
	}

	private void resetBlock() {
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
