package io.httpsentinel.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A deliberately naive transcription of the WHATWG rules, used as the oracle of the
 * differential tests: the whole stream is decoded to text first (Encoding Standard's
 * "UTF-8 decode", BOM included), split into lines, and interpreted line by line on
 * strings. It shares no code with {@link SseParser}.
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
	 * with the UTF-8 decoder in replacement mode.
	 */
	static String decode(byte[] in) {
		int i = (in.length >= 3 && (in[0] & 0xFF) == 0xEF && (in[1] & 0xFF) == 0xBB && (in[2] & 0xFF) == 0xBF) ? 3 : 0;
		StringBuilder out = new StringBuilder();
		int cp = 0;
		int seen = 0;
		int needed = 0;
		int lower = 0x80;
		int upper = 0xBF;
		while (true) {
			if (i >= in.length) {
				if (needed != 0) {
					out.append('\uFFFD');
				}
				return out.toString();
			}
			int b = in[i] & 0xFF;
			if (needed == 0) {
				i++;
				if (b <= 0x7F) {
					out.append((char) b);
				}
				else if (b >= 0xC2 && b <= 0xDF) {
					needed = 1;
					cp = b & 0x1F;
				}
				else if (b >= 0xE0 && b <= 0xEF) {
					if (b == 0xE0) {
						lower = 0xA0;
					}
					if (b == 0xED) {
						upper = 0x9F;
					}
					needed = 2;
					cp = b & 0xF;
				}
				else if (b >= 0xF0 && b <= 0xF4) {
					if (b == 0xF0) {
						lower = 0x90;
					}
					if (b == 0xF4) {
						upper = 0x8F;
					}
					needed = 3;
					cp = b & 0x7;
				}
				else {
					out.append('\uFFFD');
				}
				continue;
			}
			if (b < lower || b > upper) {
				cp = 0;
				needed = 0;
				seen = 0;
				lower = 0x80;
				upper = 0xBF;
				out.append('\uFFFD');
				continue;
			}
			i++;
			lower = 0x80;
			upper = 0xBF;
			cp = (cp << 6) | (b & 0x3F);
			seen++;
			if (seen == needed) {
				out.appendCodePoint(cp);
				cp = 0;
				needed = 0;
				seen = 0;
			}
		}
	}

	record Result(List<SseEvent> events, String lastEventId, @Nullable Duration reconnectionTime) {
	}

}
