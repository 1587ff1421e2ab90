package io.httpsentinel.resilience;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.Internal;

/**
 * Tells a body that is a stream of events or records (Server-Sent Events, NDJSON, JSON
 * sequences) from one read as a whole, by its content type: the total timeout and the
 * response size limit apply to the latter only.
 */
@Internal
public final class StreamingContentTypes {

	/** Subtypes of the media types whose bodies are streams of events or records. */
	private static final String[] STREAMING_SUBTYPES = { "event-stream", "ndjson", "stream+json", "jsonl", "json-seq" };

	private StreamingContentTypes() {
	}

	/**
	 * Whether a response's body is a stream of events or records.
	 * @param contentType the {@code Content-Type} header, or {@code null}
	 * @return whether it is a stream
	 */
	public static boolean isStream(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		// Cheaper than parsing a MediaType on every call; the subtypes are distinctive.
		for (String streaming : STREAMING_SUBTYPES) {
			if (containsIgnoreCase(contentType, streaming)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the text contains the part (lower case), ignoring case as
	 * {@link String#regionMatches(boolean, int, String, int, int)} does. The region is
	 * compared only where the first character may match: this runs for every response
	 * (five parts, about a dozen positions each, for {@code application/json}).
	 */
	private static boolean containsIgnoreCase(String text, String part) {
		char first = part.charAt(0);
		for (int i = 0, last = text.length() - part.length(); i <= last; i++) {
			char c = text.charAt(i);
			// ASCII letters differ from their lower case in one bit; any other
			// character is left to regionMatches (Unicode case folding).
			if ((c | 0x20) == first || c > 0x7F) {
				if (text.regionMatches(true, i, part, 0, part.length())) {
					return true;
				}
			}
		}
		return false;
	}

}
