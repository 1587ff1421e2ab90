package io.httpsentinel.sse;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

import io.httpsentinel.InvalidSettingException;

/**
 * Bounds on what an {@link SseParser} buffers for one stream, so that a misbehaving
 * upstream can never make it hold more than this in memory. Exceeding either fails the
 * stream with {@link SseLimitExceededException}; nothing is truncated silently.
 *
 * @param maxLineSize largest line (without its line end); a body that is not an event
 * stream, or never sends a line end, fails here
 * @param maxEventSize largest event block as received: every line of it with its line
 * end, comments included, not counting the blank line that ends it; also bounds endless
 * comment lines or fields without a blank line
 */
public record SseLimits(DataSize maxLineSize, DataSize maxEventSize) {

	/**
	 * Configuration key of the line limit, relative to a client.
	 */
	public static final String MAX_LINE_SIZE_KEY = "sse.max-line-size";

	/**
	 * Configuration key of the event limit, relative to a client.
	 */
	public static final String MAX_EVENT_SIZE_KEY = "sse.max-event-size";

	/**
	 * 1MB for a line and 1MB for an event. One {@code data:} line commonly carries a
	 * whole JSON event, so a smaller line limit would only be a hidden, lower event
	 * limit; 1MB is four times Spring's 256KB cap, room for large tool-call or
	 * image-chunk events, while a thousand hostile streams still cannot hold more than
	 * about a gigabyte.
	 */
	public static final SseLimits DEFAULTS = new SseLimits(DataSize.ofMegabytes(1), DataSize.ofMegabytes(1));

	// Java arrays cannot be larger, and the parser keeps a block in one.
	private static final long MAX_BYTES = Integer.MAX_VALUE - 16;

	public SseLimits {
		check(MAX_LINE_SIZE_KEY, maxLineSize);
		check(MAX_EVENT_SIZE_KEY, maxEventSize);
	}

	private static void check(String key, @Nullable DataSize size) {
		if (size == null) {
			throw new InvalidSettingException(key, null, "must be set");
		}
		if (size.toBytes() <= 0) {
			throw new InvalidSettingException(key, size, "must be greater than 0");
		}
		if (size.toBytes() > MAX_BYTES) {
			throw new InvalidSettingException(key, size, "must be at most " + MAX_BYTES + " bytes");
		}
	}

	/**
	 * Format a size for a message: {@code 1MB}, {@code 512KB} or {@code 1000B}.
	 * @param size the size
	 * @return the readable size
	 */
	static String format(DataSize size) {
		long bytes = size.toBytes();
		if (bytes % (1024 * 1024) == 0) {
			return (bytes / (1024 * 1024)) + "MB";
		}
		if (bytes % 1024 == 0) {
			return (bytes / 1024) + "KB";
		}
		return bytes + "B";
	}

}
