package io.httpsentinel.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

import io.httpsentinel.Internal;

/**
 * Reads how long a server asked the client to wait: {@code retry-after-ms} (milliseconds,
 * sent by OpenAI-compatible APIs) first, then {@code Retry-After} as delta-seconds or as
 * an HTTP-date (RFC 9110). Unparseable values are ignored rather than trusted.
 */
@Internal
public final class RetryAfter {

	static final String RETRY_AFTER_MS = "retry-after-ms";

	private RetryAfter() {
	}

	/**
	 * Wait requested by the response headers.
	 * @param headers the response headers
	 * @param clock wall clock, to turn an HTTP-date into a wait
	 * @return the requested wait (zero for a date in the past), or empty when none or
	 * unparseable
	 */
	public static Optional<Duration> of(HttpHeaders headers, Clock clock) {
		Duration millis = parseMillis(headers.getFirst(RETRY_AFTER_MS));
		if (millis != null) {
			return Optional.of(millis);
		}
		String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
		if (value == null || value.isBlank()) {
			return Optional.empty();
		}
		value = value.strip();
		Duration seconds = parseSeconds(value);
		if (seconds != null) {
			return Optional.of(seconds);
		}
		try {
			Instant date = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			Duration wait = Duration.between(clock.instant(), date);
			return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
		}
		catch (DateTimeParseException ex) {
			return Optional.empty();
		}
	}

	private static @Nullable Duration parseMillis(@Nullable String value) {
		if (value == null) {
			return null;
		}
		try {
			double millis = Double.parseDouble(value.strip());
			if (!(millis >= 0) || Double.isInfinite(millis)) {
				return null;
			}
			// Round up: retrying early is never right.
			return Duration.ofNanos((long) Math.ceil(Math.min(millis, 1.0e12) * 1_000_000));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static @Nullable Duration parseSeconds(String value) {
		for (int i = 0; i < value.length(); i++) {
			if (!Character.isDigit(value.charAt(i))) {
				return null;
			}
		}
		// Zero padding is still delay-seconds: only significant digits can overflow.
		int start = 0;
		while (start < value.length() - 1 && value.charAt(start) == '0') {
			start++;
		}
		String digits = value.substring(start);
		if (digits.length() > 12) {
			return Duration.ofSeconds(999_999_999_999L);
		}
		return Duration.ofSeconds(Long.parseLong(digits));
	}

}
