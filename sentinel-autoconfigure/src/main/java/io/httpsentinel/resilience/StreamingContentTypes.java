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

	private static boolean containsIgnoreCase(String text, String part) {
		for (int i = 0; i <= text.length() - part.length(); i++) {
			if (text.regionMatches(true, i, part, 0, part.length())) {
				return true;
			}
		}
		return false;
	}

}
