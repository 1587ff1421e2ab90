package io.httpsentinel.sse;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import io.netty.buffer.ByteBuf;
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

	private final SseLimits limits;

	private final EventInterpreter interpreter;

	private final LineReader reader;

	private @Nullable SseLimitExceededException failure;

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
		this(new EventInterpreter(limits, retainRaw, keepComments, false, true, false), limits);
	}

	private SseParser(EventInterpreter interpreter, SseLimits limits) {
		this.limits = limits;
		this.interpreter = interpreter;
		this.reader = new LineReader(limits, interpreter);
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
		return new SseParser(new EventInterpreter(limits, true, true, true, true, false), limits);
	}

	/**
	 * A parser for a relay that forwards the bytes of the upstream's own buffers and
	 * never reads the data: {@link #feedBlocks} records the blocks the
	 * {@link #forPassThrough pass-through} parser would return, as where each is in the
	 * stream and whether it has data and an id, without making events, keeping or
	 * decoding data, comments or types, or copying bytes. The last event id is decoded
	 * only when asked for.
	 * @param limits the bounds on lines and events
	 * @param decodeIds whether the id of each block is decoded ({@link #blockId})
	 * @return the parser
	 */
	static SseParser forRawRelay(SseLimits limits, boolean decodeIds) {
		return new SseParser(new EventInterpreter(limits, false, false, true, false, decodeIds), limits);
	}

	/**
	 * For a {@link #forRawRelay raw relay}: feed the next chunk of the stream and record
	 * the blocks it completes. The buffer is read, not consumed and not released.
	 * @param chunk the chunk
	 * @return the number of blocks completed
	 * @throws SseLimitExceededException as for {@link #feed(DataBuffer)}
	 */
	int feedBlocks(ByteBuf chunk) {
		feed(chunk);
		return this.interpreter.blocks();
	}

	/**
	 * For a {@link #forRawRelay raw relay}: where the {@code index}th block the last
	 * {@link #feedBlocks} completed starts, in bytes since the start of the stream (a
	 * skipped byte order mark included; {@link #end()} starts a new stream at 0).
	 * @param index the block's index
	 * @return the position of its first byte
	 */
	long blockStart(int index) {
		return this.interpreter.start(index);
	}

	/**
	 * For a {@link #forRawRelay raw relay}: where the {@code index}th block ends.
	 * @param index the block's index
	 * @return the position just after its last byte (its blank line included)
	 */
	long blockEnd(int index) {
		return this.interpreter.end(index);
	}

	/**
	 * For a {@link #forRawRelay raw relay}: whether the {@code index}th block has data,
	 * so that it is an event (possibly with empty data).
	 * @param index the block's index
	 * @return whether it has data
	 */
	boolean blockHasData(int index) {
		return this.interpreter.hasData(index);
	}

	/**
	 * For a {@link #forRawRelay raw relay}: whether the {@code index}th block sets the
	 * last event id.
	 * @param index the block's index
	 * @return whether it has a valid {@code id} field
	 */
	boolean blockHasId(int index) {
		return this.interpreter.hasId(index);
	}

	/**
	 * For a {@link #forRawRelay raw relay} that decodes ids: the id of the
	 * {@code index}th block.
	 * @param index the block's index
	 * @return the id, or {@code null} if it has none
	 */
	@Nullable String blockId(int index) {
		return this.interpreter.id(index);
	}

	/**
	 * Where the bytes start that are not part of a block returned yet and may still be:
	 * the start of the block in progress, or of the line in progress. Bytes before it are
	 * either in returned blocks or in nothing that will be returned (blank lines between
	 * blocks, a byte order mark).
	 * @return the position in the stream
	 */
	long pendingStart() {
		long block = this.interpreter.blockStart();
		return (block >= 0) ? block : this.reader.lineStart();
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
		return read(chunk, 0, 0);
	}

	/**
	 * Feed the next chunk of the stream. The buffer is read, not consumed and not
	 * released.
	 * @param chunk the chunk
	 * @return the events completed by this chunk, possibly none
	 * @throws SseLimitExceededException as for {@link #feed(DataBuffer)}
	 */
	List<SseEvent> feed(ByteBuf chunk) {
		return read(chunk, 0, 0);
	}

	/**
	 * Feed the next chunk of the stream. The buffer's position is not changed.
	 * @param chunk the chunk
	 * @return the events completed by this chunk, possibly none
	 * @throws SseLimitExceededException as for {@link #feed(DataBuffer)}
	 */
	public List<SseEvent> feed(ByteBuffer chunk) {
		return read(chunk, 0, 0);
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
		return read(bytes, offset, length);
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
		this.reader.reset();
		this.interpreter.endOfStream();
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
		return this.interpreter.lastEventId();
	}

	/**
	 * Reconnection time: the latest valid {@code retry} value received, also from a block
	 * that was not dispatched.
	 * @return the reconnection time, or {@code null} if none was received
	 */
	public @Nullable Duration reconnectionTime() {
		return this.interpreter.reconnectionTime();
	}

	/**
	 * Limits of this parser.
	 * @return the limits
	 */
	public SseLimits limits() {
		return this.limits;
	}

	// One place for every kind of chunk: the limit failure is handled the same way.
	private List<SseEvent> read(Object chunk, int offset, int length) {
		checkNotFailed();
		this.interpreter.clearBlocks();
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
			fail(ex);
		}
		return this.interpreter.takeDispatched();
	}

	private void checkNotFailed() {
		SseLimitExceededException pending = this.failure;
		if (pending != null) {
			throw pending;
		}
	}

	private void fail(SseLimitExceededException ex) {
		// Drop what the bad block buffered; the stream cannot go on.
		this.reader.clear();
		this.interpreter.discardBlock();
		if (!this.interpreter.hasDispatched()) {
			throw ex;
		}
		this.failure = ex;
	}

}
