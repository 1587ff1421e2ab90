package io.httpsentinel.sse;

import java.time.Duration;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

/**
 * Frames events for the wire (UTF-8), so that a receiver parses back exactly the event
 * that was written:
 * <ul>
 * <li>comments first, one {@code :} line per line of each comment (CR, LF and CRLF split
 * it);</li>
 * <li>{@code event:} unless the type is {@value SseEvent#DEFAULT_TYPE}, then {@code id:}
 * and {@code retry:} (whole milliseconds) when set;</li>
 * <li>one {@code data:} line per line of the data (CR, LF and CRLF split it, so the
 * receiver reads LF), none for an event without data;</li>
 * <li>a blank line.</li>
 * </ul>
 * A value is preceded by one space when it is not empty, which the receiver strips; a
 * value's own leading space is therefore kept. An {@code id} or {@code event} type with
 * CR, LF or NUL cannot be framed and fails with {@link SseFramingException}; an unpaired
 * surrogate is written as U+FFFD.
 */
public final class SseWriter {

	private static final byte[] EVENT = { 'e', 'v', 'e', 'n', 't', ':' };

	private static final byte[] DATA = { 'd', 'a', 't', 'a', ':' };

	private static final byte[] ID = { 'i', 'd', ':' };

	private static final byte[] RETRY = { 'r', 'e', 't', 'r', 'y', ':' };

	private static final byte[] COMMENT = { ':' };

	private SseWriter() {
	}

	/**
	 * Encode an event.
	 * @param event the event
	 * @return its bytes, ending with the blank line that dispatches it
	 * @throws SseFramingException if its id or type contains CR, LF or NUL
	 */
	public static byte[] encode(SseEvent event) {
		checkField("event", event.type());
		String id = event.id();
		if (id != null) {
			checkField("id", id);
		}
		ByteSink out = new ByteSink(estimate(event));
		for (String comment : event.comments()) {
			writeLines(COMMENT, comment, out);
		}
		if (!SseEvent.DEFAULT_TYPE.equals(event.type())) {
			writeField(EVENT, event.type(), out);
		}
		if (id != null) {
			writeField(ID, id, out);
		}
		Duration retry = event.retry();
		if (retry != null) {
			writeField(RETRY, Long.toString(retry.toMillis()), out);
		}
		if (event.hasData()) {
			writeLines(DATA, event.data(), out);
		}
		out.append((byte) '\n');
		return (out.length() == out.array().length) ? out.array() : out.toByteArray();
	}

	/**
	 * Encode an event into a buffer of the given factory (wrapping, not copying, the
	 * encoded bytes).
	 * @param event the event
	 * @param factory the buffer factory
	 * @return the buffer
	 * @throws SseFramingException if its id or type contains CR, LF or NUL
	 */
	public static DataBuffer encode(SseEvent event, DataBufferFactory factory) {
		return factory.wrap(encode(event));
	}

	/**
	 * Encode a comment as a block of its own, such as a heartbeat ({@code ": ping\n\n"}),
	 * which receivers ignore. CR, LF and CRLF split it into several comment lines.
	 * @param comment the comment, possibly empty
	 * @return its bytes, ending with a blank line
	 */
	public static byte[] comment(String comment) {
		ByteSink out = new ByteSink(comment.length() + 4);
		writeLines(COMMENT, comment, out);
		out.append((byte) '\n');
		return out.toByteArray();
	}

	/**
	 * Reject a value that a line of its own cannot carry.
	 * @param field the field name, for the message
	 * @param value the value
	 * @throws SseFramingException if the value contains CR, LF or NUL
	 */
	public static void checkField(String field, String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '\r' || c == '\n' || c == '\0') {
				String name = (c == '\r') ? "CR" : (c == '\n') ? "LF" : "NUL";
				throw new SseFramingException(field, "must not contain " + name + " (at index " + i + ")");
			}
		}
	}

	private static int estimate(SseEvent event) {
		int size = event.data().length() + event.type().length() + 32;
		String id = event.id();
		return (id != null) ? size + id.length() : size;
	}

	private static void writeField(byte[] name, String value, ByteSink out) {
		writeLine(name, value, 0, value.length(), out);
	}

	private static void writeLines(byte[] name, String value, ByteSink out) {
		int start = 0;
		int length = value.length();
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c == '\r' || c == '\n') {
				writeLine(name, value, start, i, out);
				if (c == '\r' && i + 1 < length && value.charAt(i + 1) == '\n') {
					i++;
				}
				start = i + 1;
			}
		}
		writeLine(name, value, start, length, out);
	}

	private static void writeLine(byte[] name, String value, int from, int to, ByteSink out) {
		out.append(name, 0, name.length);
		if (from < to) {
			out.append((byte) ' ');
			Utf8.encode(value, from, to, out);
		}
		out.append((byte) '\n');
	}

}
