package io.httpsentinel.sse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A deliberately naive transcription of the WHATWG rules, used as the oracle of the
 * differential tests: the whole stream is decoded to text first (Encoding Standard's
 * "UTF-8 decode", BOM included, by the JDK's decoder), split into lines, and interpreted
 * line by line on strings. It shares no code with {@link SseParser}, its UTF-8 decoder
 * included.
 */
final class ReferenceEventStream {

	private ReferenceEventStream() {
	}

	static Result parse(byte[] stream) {
		String text = decode(stream);
		List<SseEvent> events = new ArrayList<>();
		StringBuilder data = new StringBuilder();
		String type = "";
		String lastEventIdBuffer = "";
		String lastEventId = "";
		Duration reconnection = null;
		// per-block extras exposed by SseEvent
		String blockId = null;
		Duration blockRetry = null;
		int start = 0;
		int i = 0;
		while (i < text.length()) {
			char c = text.charAt(i);
			if (c != '\r' && c != '\n') {
				i++;
				continue;
			}
			String line = text.substring(start, i);
			i += (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') ? 2 : 1;
			start = i;
			if (line.isEmpty()) {
				lastEventId = lastEventIdBuffer;
				if (data.length() == 0) {
					type = "";
				}
				else {
					String value = data.substring(0, data.length() - 1);
					events.add(new SseEvent(type.isEmpty() ? "message" : type, value, true, lastEventId,
							(blockId != null) ? lastEventId : null, blockRetry, List.of(), null));
				}
				data.setLength(0);
				type = "";
				blockId = null;
				blockRetry = null;
				continue;
			}
			if (line.startsWith(":")) {
				continue;
			}
			String field = line;
			String value = "";
			int colon = line.indexOf(':');
			if (colon >= 0) {
				field = line.substring(0, colon);
				value = line.substring(colon + 1);
				if (value.startsWith(" ")) {
					value = value.substring(1);
				}
			}
			switch (field) {
				case "event" -> type = value;
				case "data" -> data.append(value).append('\n');
				case "id" -> {
					if (value.indexOf('\0') < 0) {
						lastEventIdBuffer = value;
						blockId = value;
					}
				}
				case "retry" -> {
					if (!value.isEmpty() && value.chars().allMatch((d) -> d >= '0' && d <= '9')) {
						Duration retry = Duration.ofMillis(parseSaturated(value));
						reconnection = retry;
						blockRetry = retry;
					}
				}
				default -> {
				}
			}
		}
		// Whatever follows the last line end is an unterminated block: discarded.
		return new Result(events, lastEventId, reconnection);
	}

	private static long parseSaturated(String digits) {
		try {
			return Long.parseLong(digits);
		}
		catch (NumberFormatException ex) {
			return Long.MAX_VALUE;
		}
	}

	/**
	 * The Encoding Standard's "UTF-8 decode": strip one leading EF BB BF, then decode
	 * with the UTF-8 decoder in replacement mode. The JDK's decoder does the decoding: it
	 * replaces each maximal subpart of an ill-formed sequence with one U+FFFD, as the
	 * standard does, with one exception handled here: an encoded surrogate (ED followed
	 * by A0 to BF) is one ill-formed sequence to the JDK, but to the standard ED accepts
	 * only 80 to 9F after it, so ED and each byte after it is a U+FFFD of its own.
	 */
	static String decode(byte[] in) {
		int from = (in.length >= 3 && (in[0] & 0xFF) == 0xEF && (in[1] & 0xFF) == 0xBB && (in[2] & 0xFF) == 0xBF) ? 3
				: 0;
		StringBuilder out = new StringBuilder();
		for (int i = from; i + 1 < in.length; i++) {
			int next = in[i + 1] & 0xFF;
			if ((in[i] & 0xFF) == 0xED && next >= 0xA0 && next <= 0xBF) {
				// ED is never a continuation byte: decoding up to it ends no sequence
				// early.
				out.append(jdkDecode(in, from, i)).append('\uFFFD');
				from = i + 1;
			}
		}
		return out.append(jdkDecode(in, from, in.length)).toString();
	}

	private static String jdkDecode(byte[] in, int from, int to) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPLACE)
				.onUnmappableCharacter(CodingErrorAction.REPLACE)
				.decode(ByteBuffer.wrap(in, from, to - from))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	record Result(List<SseEvent> events, String lastEventId, @Nullable Duration reconnectionTime) {
	}

}
