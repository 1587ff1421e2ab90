package io.httpsentinel.client;

/**
 * Writes a JSON string literal (RFC 8259), escaping what must be escaped, so that a
 * problem document built by hand stays valid whatever a request path or client name
 * holds.
 */
final class JsonStrings {

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private JsonStrings() {
	}

	/**
	 * Append {@code value} as a quoted JSON string.
	 * @param json the JSON text being built
	 * @param value the value
	 */
	static void append(StringBuilder json, String value) {
		json.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					// Control characters must be escaped; '<' and the line separators
					// are too, so that the document is safe inside HTML or JavaScript.
					if (c < 0x20 || c == '<' || c == '\u2028' || c == '\u2029') {
						json.append("\\u")
							.append(HEX[c >> 12 & 0xF])
							.append(HEX[c >> 8 & 0xF])
							.append(HEX[c >> 4 & 0xF])
							.append(HEX[c & 0xF]);
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

}
