package io.httpsentinel.sse;

import java.nio.ByteBuffer;
import java.time.Duration;
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

	private final SseLimits limits;

	private final EventBuilder events;

	private final EventInterpreter interpreter;

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
		this(limits, new EventBuilder(retainRaw, keepComments, false));
	}

	private SseParser(SseLimits limits, EventBuilder events) {
		this.limits = limits;
		this.events = events;
		this.interpreter = new EventInterpreter(limits, events);
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
		return new SseParser(limits, new EventBuilder(true, true, true));
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
		this.interpreter.end();
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
		SseLimitExceededException pending = this.failure;
		if (pending != null) {
			throw pending;
		}
		try {
			this.interpreter.read(chunk, offset, length);
		}
		catch (SseLimitExceededException ex) {
			if (!this.events.hasEvents()) {
				throw ex;
			}
			// Thrown by the next call, after the events before it are returned.
			this.failure = ex;
		}
		return this.events.takeEvents();
	}

}
