package io.httpsentinel.sse;

/**
 * Thrown when an event cannot be written without changing its meaning: an {@code id} or
 * {@code event} type containing CR, LF or NUL would end the line early or, for an id,
 * make every receiver ignore it.
 */
public class SseFramingException extends IllegalArgumentException {

	private final String field;

	public SseFramingException(String field, String message) {
		super("SSE field '" + field + "' " + message);
		this.field = field;
	}

	/**
	 * Name of the field that cannot be framed ({@code id} or {@code event}).
	 * @return the field name
	 */
	public String field() {
		return this.field;
	}

}
