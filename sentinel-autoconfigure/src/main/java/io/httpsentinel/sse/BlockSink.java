package io.httpsentinel.sse;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Receives what an {@link EventInterpreter} finds in a block (the lines up to a blank
 * line) and what it is when the block ends: a sink that makes events of it
 * ({@link EventBuilder}) or one that records where it is in the stream
 * ({@link BlockRecorder}) for a relay that forwards bytes, in the manner of OkHttp's
 * {@code ServerSentEventReader.Callback}. The interpreter keeps the stream's state (last
 * event id, reconnection time, limits); a sink keeps only what it needs of a block.
 * <p>
 * An abstract class with two subclasses, so that each call in the per-line loop is at
 * most bimorphic.
 */
abstract class BlockSink {

	/**
	 * A line of the block, a blank line ending it included, as received.
	 * @param bytes where the line is
	 * @param offset its start
	 * @param length its length, without the line end
	 * @param ending where its line end is
	 * @param endingOffset start of the line end
	 * @param endingLength 1 or 2
	 */
	abstract void line(byte[] bytes, int offset, int length, byte[] ending, int endingOffset, int endingLength);

	/**
	 * The LF of a CRLF in the block whose CR ended the previous chunk.
	 */
	abstract void lineFeed();

	/**
	 * A comment line's text.
	 * @param bytes where the text is
	 * @param offset its start
	 * @param length its length
	 * @param ascii whether it is all ASCII (false may be conservative)
	 */
	abstract void comment(byte[] bytes, int offset, int length, boolean ascii);

	/**
	 * A {@code data} field's value.
	 * @param bytes where the value is
	 * @param offset its start
	 * @param length its length
	 * @param ascii whether it is all ASCII (false may be conservative)
	 */
	abstract void data(byte[] bytes, int offset, int length, boolean ascii);

	/**
	 * An {@code event} field's value.
	 * @param bytes where the value is
	 * @param offset its start
	 * @param length its length
	 * @param ascii whether it is all ASCII (false may be conservative)
	 */
	abstract void type(byte[] bytes, int offset, int length, boolean ascii);

	/**
	 * The block ended with a blank line (it has at least one line besides).
	 * @param stream the interpreter, for the last event id (decoded when asked for)
	 * @param start position in the stream of the block's first byte
	 * @param end position in the stream just after its blank line
	 * @param hasData whether it has a {@code data} field (its data may still be empty)
	 * @param hasId whether it has a valid {@code id} field
	 * @param retry its valid {@code retry} value, if any
	 */
	abstract void block(EventInterpreter stream, long start, long end, boolean hasData, boolean hasId,
			@Nullable Duration retry);

	/**
	 * Forget the block in progress: it was dispatched or discarded.
	 */
	abstract void clear();

}
