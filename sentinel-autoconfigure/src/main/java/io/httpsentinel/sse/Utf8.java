package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 as the WHATWG Encoding Standard defines it, which the event stream format
 * requires: every ill-formed byte sequence becomes U+FFFD per maximal subpart, and an
 * unpaired surrogate is written as U+FFFD.
 * <p>
 * The JDK's decoder replaces exactly the same way except for an encoded surrogate
 * ({@code ED A0..BF ..}), which it replaces with a single U+FFFD where WHATWG replaces
 * each byte (verified exhaustively for every sequence of up to six bytes over all byte
 * classes), so only that case takes the slow path here.
 */
final class Utf8 {

	static final char REPLACEMENT = '\uFFFD';

	private Utf8() {
	}

	/**
	 * Decode bytes.
	 * @param bytes the bytes
	 * @param offset where to start
	 * @param length how many bytes
	 * @param ascii whether the caller knows all bytes are below 0x80
	 * @return the text
	 */
	static String decode(byte[] bytes, int offset, int length, boolean ascii) {
		if (length == 0) {
			return "";
		}
		if (ascii) {
			// A plain copy into a compact (Latin-1) string.
			return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
		}
		if (!hasEncodedSurrogate(bytes, offset, length)) {
			return new String(bytes, offset, length, StandardCharsets.UTF_8);
		}
		return decodeWhatwg(bytes, offset, length);
	}

	private static boolean hasEncodedSurrogate(byte[] bytes, int offset, int length) {
		int end = offset + length - 1;
		for (int i = offset; i < end; i++) {
			if (bytes[i] == (byte) 0xED && (bytes[i + 1] & 0xFF) >= 0xA0) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The Encoding Standard's UTF-8 decoder, step by step, with replacement error mode.
	 */
	static String decodeWhatwg(byte[] bytes, int offset, int length) {
		StringBuilder out = new StringBuilder(length);
		int codePoint = 0;
		int needed = 0;
		int seen = 0;
		int lower = 0x80;
		int upper = 0xBF;
		int i = offset;
		int end = offset + length;
		while (i < end) {
			int b = bytes[i] & 0xFF;
			if (needed == 0) {
				i++;
				if (b <= 0x7F) {
					out.append((char) b);
				}
				else if (b >= 0xC2 && b <= 0xDF) {
					needed = 1;
					codePoint = b & 0x1F;
				}
				else if (b >= 0xE0 && b <= 0xEF) {
					lower = (b == 0xE0) ? 0xA0 : 0x80;
					upper = (b == 0xED) ? 0x9F : 0xBF;
					needed = 2;
					codePoint = b & 0x0F;
				}
				else if (b >= 0xF0 && b <= 0xF4) {
					lower = (b == 0xF0) ? 0x90 : 0x80;
					upper = (b == 0xF4) ? 0x8F : 0xBF;
					needed = 3;
					codePoint = b & 0x07;
				}
				else {
					out.append(REPLACEMENT);
				}
				continue;
			}
			if (b < lower || b > upper) {
				// The byte is not consumed: it starts the next sequence.
				codePoint = 0;
				needed = 0;
				seen = 0;
				lower = 0x80;
				upper = 0xBF;
				out.append(REPLACEMENT);
				continue;
			}
			i++;
			lower = 0x80;
			upper = 0xBF;
			codePoint = (codePoint << 6) | (b & 0x3F);
			if (++seen == needed) {
				out.appendCodePoint(codePoint);
				codePoint = 0;
				needed = 0;
				seen = 0;
			}
		}
		if (needed != 0) {
			out.append(REPLACEMENT);
		}
		return out.toString();
	}

	/**
	 * Append the UTF-8 encoding of part of a string.
	 * @param text the text
	 * @param from first char
	 * @param to end (exclusive)
	 * @param out where to write
	 */
	static void encode(String text, int from, int to, ByteSink out) {
		out.ensureSpace((to - from) * 3);
		byte[] buf = out.array();
		int pos = out.length();
		for (int i = from; i < to; i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				buf[pos++] = (byte) c;
			}
			else if (c < 0x800) {
				buf[pos++] = (byte) (0xC0 | (c >> 6));
				buf[pos++] = (byte) (0x80 | (c & 0x3F));
			}
			else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
				int cp = Character.toCodePoint(c, text.charAt(++i));
				buf[pos++] = (byte) (0xF0 | (cp >> 18));
				buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
				buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
				buf[pos++] = (byte) (0x80 | (cp & 0x3F));
			}
			else {
				if (Character.isSurrogate(c)) {
					c = REPLACEMENT;
				}
				buf[pos++] = (byte) (0xE0 | (c >> 12));
				buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
				buf[pos++] = (byte) (0x80 | (c & 0x3F));
			}
		}
		out.length(pos);
	}

}
