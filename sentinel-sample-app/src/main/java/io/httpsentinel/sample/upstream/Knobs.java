package io.httpsentinel.sample.upstream;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;

/**
 * The fault knobs of the demo upstream's streams, from the query string: every one
 * optional.
 *
 * @param dropAfter close the connection abruptly after this many events
 * @param stallAfter go silent after this many events, keeping the connection open
 * @param status answer this status (400-599) instead of a stream
 * @param retryAfter with {@code status}, the {@code Retry-After} seconds
 * @param intervalMillis time between two events ({@code 0}: as fast as possible)
 * @param retry send {@code retry:} with this many milliseconds first
 * @param count end the stream cleanly after the event with this id
 */
record Knobs(@Nullable Integer dropAfter, @Nullable Integer stallAfter, @Nullable Integer status,
		@Nullable Integer retryAfter, @Nullable Integer intervalMillis, @Nullable Integer retry,
		@Nullable Integer count) {

	/**
	 * Parse the knobs of a request URI.
	 * @param uri the URI, with its query string
	 * @return the knobs
	 * @throws IllegalArgumentException naming the knob that is not a number in its range
	 */
	static Knobs of(String uri) {
		Map<String, List<String>> query = new QueryStringDecoder(uri).parameters();
		return new Knobs(number(query, "dropAfter", 1, 1_000_000), number(query, "stallAfter", 0, 1_000_000),
				number(query, "status", 400, 599), number(query, "retryAfter", 0, 3600),
				number(query, "interval", 0, 60_000), number(query, "retry", 1, 60_000),
				number(query, "count", 1, 1_000_000));
	}

	/**
	 * The interval between events.
	 * @param defaultInterval the interval when the knob is not set
	 * @return the interval
	 */
	Duration interval(Duration defaultInterval) {
		return (this.intervalMillis != null) ? Duration.ofMillis(this.intervalMillis) : defaultInterval;
	}

	private static @Nullable Integer number(Map<String, List<String>> query, String name, int min, int max) {
		List<String> values = query.get(name);
		if (values == null || values.isEmpty()) {
			return null;
		}
		try {
			int value = Integer.parseInt(values.get(0));
			if (value >= min && value <= max) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// Reported below.
		}
		throw new IllegalArgumentException(name + " must be a number from " + min + " to " + max);
	}

}
