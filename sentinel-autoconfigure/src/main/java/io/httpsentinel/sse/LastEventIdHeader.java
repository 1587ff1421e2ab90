package io.httpsentinel.sse;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.Internal;

/**
 * Turns an event id into the value of a {@code Last-Event-ID} request header, and a
 * received value back into an id, the way browsers do: the id travels as its UTF-8 bytes.
 * <p>
 * Header values are bytes; the HTTP stacks give them to Java as one character per byte
 * (ISO-8859-1). Netty writes each character of a header value below U+0100 as that byte
 * and any other as {@code ?}, and refuses a value that starts with a space or a tab or
 * holds a control character other than a tab, or DEL ({@code Validation failed for
 * header}); Tomcat's and Reactor Netty's servers hand each byte of a received value over
 * as the character of the same code. So the value set on a request is made of the
 * characters whose codes are the id's UTF-8 bytes, and a received value is decoded from
 * the bytes its characters stand for.
 * <p>
 * Before sending, spaces and tabs around the id are left out, as the Fetch standard
 * normalizes every header value (a space or a tab inside stays). An id that is then
 * empty, or that holds a control character or DEL, cannot be sent: HTTP cannot carry it.
 */
@Internal
public final class LastEventIdHeader {

	/** Longest part of an id a log message shows. */
	private static final int SHOWN_LENGTH = 80;

	private LastEventIdHeader() {
	}

	/**
	 * The header value that sends an id: its UTF-8 bytes as characters of the same codes,
	 * without the spaces and tabs around it.
	 * @param id the event id, {@code ""} for none
	 * @return the value, the id itself when it is plain ASCII without spaces or tabs
	 * around it, or {@code null} when there is nothing to send ({@code ""}) or the id
	 * cannot be sent (see {@link #whyNotSent})
	 */
	public static @Nullable String encode(String id) {
		int from = 0;
		int to = id.length();
		while (from < to && isWhitespace(id.charAt(from))) {
			from++;
		}
		while (to > from && isWhitespace(id.charAt(to - 1))) {
			to--;
		}
		if (from == to) {
			return null;
		}
		boolean ascii = true;
		for (int i = from; i < to; i++) {
			char c = id.charAt(i);
			if (isUnsendable(c)) {
				return null;
			}
			ascii &= c < 0x80;
		}
		if (ascii) {
			return (from == 0 && to == id.length()) ? id : id.substring(from, to);
		}
		ByteSink utf8 = new ByteSink((to - from) * 3);
		Utf8.encode(id, from, to, utf8);
		return new String(utf8.array(), 0, utf8.length(), StandardCharsets.ISO_8859_1);
	}

	/**
	 * Why an id that {@link #encode} refuses cannot be sent, for a log message.
	 * @param id the id
	 * @return the reason, e.g. {@code "it holds U+0001, a control character"}
	 */
	public static String whyNotSent(String id) {
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			if (isUnsendable(c)) {
				return "it holds " + String.format("U+%04X", (int) c) + ", a control character";
			}
		}
		return "it is only spaces and tabs";
	}

	/**
	 * An id as a log message shows it: control characters and DEL as
	 * {@code \}{@code uXXXX}, cut after 80 characters.
	 * @param id the id
	 * @return the printable form
	 */
	public static String printable(String id) {
		StringBuilder text = new StringBuilder(Math.min(id.length(), SHOWN_LENGTH) + 8);
		for (int i = 0; i < id.length() && i < SHOWN_LENGTH; i++) {
			char c = id.charAt(i);
			if (isUnsendable(c)) {
				text.append(String.format("\\u%04x", (int) c));
			}
			else {
				text.append(c);
			}
		}
		if (id.length() > SHOWN_LENGTH) {
			text.append("...");
		}
		return text.toString();
	}

	/**
	 * The id a received header value stands for: the UTF-8 text of the bytes its
	 * characters are.
	 * @param value the value as the server gives it, one character per byte
	 * @return the id; the value itself when it is plain ASCII, or holds a character above
	 * U+00FF (then the server decoded it already); {@code null} when its bytes are not
	 * UTF-8
	 */
	public static @Nullable String decode(String value) {
		boolean ascii = true;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c > 0xFF) {
				return value;
			}
			ascii &= c < 0x80;
		}
		if (ascii) {
			return value;
		}
		try {
			CharBuffer text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1)));
			return text.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	private static boolean isWhitespace(char c) {
		return c == ' ' || c == '\t';
	}

	/** A control character other than a tab, or DEL: HTTP cannot carry it. */
	private static boolean isUnsendable(char c) {
		return (c < 0x20 && c != '\t') || c == 0x7F;
	}

}
