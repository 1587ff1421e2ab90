package io.httpsentinel.resilience;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads the values of rate-limit headers: request counts, and the time a quota resets in
 * each format providers use. Hand-written scanners, no regular expression: this runs on
 * every response of an adaptive client. Every method answers "unknown" ({@link #NONE})
 * for a value it cannot read rather than throwing.
 * <p>
 * A reset is read by its shape:
 * <ul>
 * <li>a number (integer or decimal) below {@value #EPOCH_SECONDS_FROM}: seconds from now
 * ({@code RateLimit-Reset: 30}, {@code x-ratelimit-reset: 0.5});</li>
 * <li>a number from {@value #EPOCH_SECONDS_FROM} (2001-09-09 as a Unix time, 31 years as
 * a delay): a Unix time in seconds (GitHub's {@code x-ratelimit-reset}); from
 * {@value #EPOCH_MILLIS_FROM}: a Unix time in milliseconds;</li>
 * <li>a Go duration ({@code 6m0s}, {@code 20ms}, {@code 1h2m3.5s}; OpenAI);</li>
 * <li>an RFC 3339 timestamp ({@code 2026-12-06T17:30:25Z}, an offset or fractional
 * seconds allowed; Anthropic);</li>
 * <li>an ISO-8601 duration ({@code PT1M30S});</li>
 * <li>an HTTP date ({@code Sun, 06 Dec 2026 17:30:25 GMT}).</li>
 * </ul>
 */
final class RateLimitValues {

	/** Unknown or unreadable. */
	static final long NONE = Long.MIN_VALUE;

	/** From this number on, a reset is a Unix time in seconds rather than a delay. */
	static final long EPOCH_SECONDS_FROM = 1_000_000_000L;

	/** From this number on, a reset is a Unix time in milliseconds. */
	static final long EPOCH_MILLIS_FROM = 1_000_000_000_000L;

	private static final long NANOS_PER_SECOND = 1_000_000_000L;

	/**
	 * A delay longer than this (about 292 years in nanoseconds, halved) is unreadable.
	 */
	private static final double MAX_NANOS = Long.MAX_VALUE / 2.0;

	private RateLimitValues() {
	}

	/**
	 * Read a count: a non-negative integer, anything after a {@code ,} or {@code ;}
	 * ignored (older IETF drafts send {@code 100, 100;w=60}).
	 * @param value the header value
	 * @return the count, or {@link #NONE}
	 */
	static long count(String value) {
		int start = skipSpaces(value, 0);
		int end = start;
		long count = 0;
		while (end < value.length() && isDigit(value.charAt(end))) {
			if (end - start >= 18) {
				return NONE;
			}
			count = count * 10 + (value.charAt(end) - '0');
			end++;
		}
		if (end == start) {
			return NONE;
		}
		int rest = skipSpaces(value, end);
		if (rest < value.length() && value.charAt(rest) != ',' && value.charAt(rest) != ';') {
			return NONE;
		}
		return count;
	}

	/**
	 * Read when a quota resets.
	 * @param value the header value
	 * @param nowNanos the time now, in nanoseconds since the Unix epoch
	 * @return the reset, in nanoseconds since the Unix epoch, or {@link #NONE}
	 */
	static long reset(String value, long nowNanos) {
		String text = value.strip();
		if (text.isEmpty()) {
			return NONE;
		}
		char first = text.charAt(0);
		if (isDigit(first) || first == '.') {
			if (text.length() > 4 && text.charAt(4) == '-') {
				return rfc3339(text);
			}
			if (!Double.isNaN(decimal(text))) {
				return fromNumber(text, nowNanos);
			}
			long nanos = goDuration(text);
			return (nanos != NONE) ? nowNanos + nanos : NONE;
		}
		if (first == 'P' || first == 'p') {
			return isoDuration(text, nowNanos);
		}
		return httpDate(text);
	}

	/**
	 * The reset for a number of seconds written out, exactly (a double would lose the
	 * nanoseconds of a Unix time).
	 */
	private static long fromNumber(String text, long nowNanos) {
		int dot = text.indexOf('.');
		int end = (dot >= 0) ? dot : text.length();
		if (end > 18) {
			return NONE;
		}
		long whole = (end > 0) ? Long.parseLong(text, 0, end, 10) : 0;
		double fraction = (dot >= 0 && dot < text.length() - 1) ? decimal(text, dot, text.length()) : 0;
		if (whole >= EPOCH_MILLIS_FROM) {
			return (whole < MAX_NANOS / 1_000_000) ? whole * 1_000_000 + Math.round(fraction * 1_000_000) : NONE;
		}
		if (whole >= EPOCH_SECONDS_FROM) {
			return (whole < MAX_NANOS / NANOS_PER_SECOND)
					? whole * NANOS_PER_SECOND + Math.round(fraction * NANOS_PER_SECOND) : NONE;
		}
		return nowNanos + whole * NANOS_PER_SECOND + (long) Math.ceil(fraction * NANOS_PER_SECOND);
	}

	/**
	 * The reset for a number of seconds: a delay, or a Unix time when large.
	 * @param seconds the number
	 * @param nowNanos the time now, in nanoseconds since the Unix epoch
	 * @return the reset, in nanoseconds since the Unix epoch, or {@link #NONE}
	 */
	static long fromNumber(double seconds, long nowNanos) {
		if (!(seconds >= 0)) {
			return NONE;
		}
		boolean epoch = seconds >= EPOCH_SECONDS_FROM;
		double nanos = (seconds >= EPOCH_MILLIS_FROM) ? seconds * 1_000_000 : seconds * NANOS_PER_SECOND;
		if (!(nanos < MAX_NANOS)) {
			return NONE;
		}
		return epoch ? (long) nanos : nowNanos + (long) Math.ceil(nanos);
	}

	/**
	 * Read a non-negative decimal number ({@code 30}, {@code 0.5}).
	 * @param text the text, stripped
	 * @return the number, or NaN when the text is not one
	 */
	static double decimal(String text) {
		return decimal(text, 0, text.length());
	}

	private static double decimal(String text, int start, int end) {
		if (end - start > 30) {
			return Double.NaN;
		}
		double value = 0;
		double scale = 1;
		boolean digits = false;
		boolean dot = false;
		for (int i = start; i < end; i++) {
			char c = text.charAt(i);
			if (isDigit(c)) {
				digits = true;
				if (dot) {
					scale /= 10;
					value += (c - '0') * scale;
				}
				else {
					value = value * 10 + (c - '0');
				}
			}
			else if (c == '.' && !dot) {
				dot = true;
			}
			else {
				return Double.NaN;
			}
		}
		return digits ? value : Double.NaN;
	}

	/**
	 * Read a Go duration ({@code time.Duration.String()}): a sequence of decimal numbers,
	 * each with a unit among {@code h}, {@code m}, {@code s}, {@code ms}, {@code us}
	 * ({@code µs}) and {@code ns}; {@code 0} alone is zero.
	 * @param text the text, stripped
	 * @return nanoseconds (rounded up), or {@link #NONE}
	 */
	static long goDuration(String text) {
		if (text.equals("0")) {
			return 0;
		}
		double nanos = 0;
		int i = 0;
		int length = text.length();
		if (length == 0) {
			return NONE;
		}
		while (i < length) {
			int start = i;
			while (i < length && (isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
				i++;
			}
			double number = decimal(text, start, i);
			int unitStart = i;
			while (i < length && !isDigit(text.charAt(i)) && text.charAt(i) != '.') {
				i++;
			}
			double unit = goUnitNanos(text, unitStart, i);
			if (Double.isNaN(number) || unit == 0) {
				return NONE;
			}
			nanos += number * unit;
		}
		return (nanos < MAX_NANOS) ? (long) Math.ceil(nanos) : NONE;
	}

	private static double goUnitNanos(String text, int start, int end) {
		int length = end - start;
		char first = (length > 0) ? text.charAt(start) : ' ';
		if (length == 1) {
			return switch (first) {
				case 'h' -> 3600.0 * NANOS_PER_SECOND;
				case 'm' -> 60.0 * NANOS_PER_SECOND;
				case 's' -> NANOS_PER_SECOND;
				default -> 0;
			};
		}
		if (length == 2 && text.charAt(start + 1) == 's') {
			return switch (first) {
				case 'm' -> 1_000_000;
				// U+00B5 (micro sign) and U+03BC (Greek mu): Go accepts both.
				case 'u', '\u00b5', '\u03bc' -> 1_000;
				case 'n' -> 1;
				default -> 0;
			};
		}
		return 0;
	}

	private static long isoDuration(String text, long nowNanos) {
		try {
			Duration duration = Duration.parse(text);
			return duration.isNegative() ? NONE : nowNanos + duration.toNanos();
		}
		catch (DateTimeParseException | ArithmeticException ex) {
			return NONE;
		}
	}

	private static long rfc3339(String text) {
		try {
			return epochNanos(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
		}
		catch (DateTimeParseException ex) {
			return NONE;
		}
	}

	private static long httpDate(String text) {
		try {
			return epochNanos(ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
		}
		catch (DateTimeParseException ex) {
			return NONE;
		}
	}

	/**
	 * An instant as nanoseconds since the Unix epoch.
	 * @param instant the instant
	 * @return nanoseconds since the Unix epoch, or {@link #NONE} before 1970 or after
	 * about 2116
	 */
	static long epochNanos(Instant instant) {
		if (instant.getEpochSecond() < 0 || instant.getEpochSecond() > MAX_NANOS / NANOS_PER_SECOND) {
			return NONE;
		}
		return instant.getEpochSecond() * NANOS_PER_SECOND + instant.getNano();
	}

	private static int skipSpaces(String value, int from) {
		int i = from;
		while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
			i++;
		}
		return i;
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

}
