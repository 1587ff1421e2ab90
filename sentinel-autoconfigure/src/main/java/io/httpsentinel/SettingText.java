package io.httpsentinel;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * Setting values as a user writes them in {@code application.yml}, Spring Boot's
 * notation: a duration in its largest exact unit ({@code 10m}, {@code 90s},
 * {@code 1500ms}) instead of {@code Duration.toString()}'s {@code PT10M}, a size in its
 * largest exact unit ({@code 10MB}) instead of {@code 10485760B}. Both read back to the
 * same value.
 */
@Internal
public final class SettingText {

	/**
	 * What {@link Duration#toString()} writes: {@code PT10M}, {@code PT1.5S},
	 * {@code PT-0.5S}, {@code PT1H30M}.
	 */
	private static final Pattern ISO_DURATION = Pattern
		.compile("\\bPT(?:-?\\d+H)?(?:-?\\d+M)?(?:-?\\d+(?:\\.\\d+)?S)?(?![\\w.])");

	private static final String[] SIZE_SUFFIXES = { "TB", "GB", "MB", "KB" };

	private SettingText() {
	}

	/**
	 * A duration in the largest unit that shows it exactly.
	 * @param duration the duration
	 * @return its text, e.g. {@code 30s}, {@code 5m}, {@code 1500ms}, {@code 2d}
	 */
	public static String duration(Duration duration) {
		if (duration.getNano() == 0) {
			long seconds = duration.getSeconds();
			if (seconds != 0 && seconds % 86400 == 0) {
				return (seconds / 86400) + "d";
			}
			if (seconds != 0 && seconds % 3600 == 0) {
				return (seconds / 3600) + "h";
			}
			if (seconds != 0 && seconds % 60 == 0) {
				return (seconds / 60) + "m";
			}
			return seconds + "s";
		}
		long nanos = duration.toNanos();
		if (nanos % 1_000_000 == 0) {
			return (nanos / 1_000_000) + "ms";
		}
		return (nanos % 1_000 == 0) ? (nanos / 1_000) + "us" : nanos + "ns";
	}

	/**
	 * A size in the largest unit that shows it exactly.
	 * @param size the size
	 * @return its text, e.g. {@code 10MB}, {@code 4KB}, {@code 1500B}
	 */
	public static String dataSize(DataSize size) {
		long bytes = size.toBytes();
		for (int i = 0; i < SIZE_SUFFIXES.length; i++) {
			long unitBytes = 1L << (10 * (SIZE_SUFFIXES.length - i));
			if (bytes != 0 && bytes % unitBytes == 0) {
				return (bytes / unitBytes) + SIZE_SUFFIXES[i];
			}
		}
		return bytes + "B";
	}

	/**
	 * A setting value for a message: durations and sizes as written in YAML, anything
	 * else as it is.
	 * @param value the value
	 * @return the value to show
	 */
	public static @Nullable Object of(@Nullable Object value) {
		if (value instanceof Duration duration) {
			return duration(duration);
		}
		if (value instanceof DataSize size) {
			return dataSize(size);
		}
		return value;
	}

	/**
	 * A message with every duration that {@link Duration#toString()} wrote into it
	 * rewritten as in YAML ({@code (PT10M)} becomes {@code (10m)}): the reasons of
	 * {@link InvalidSettingException} are built from settings values by many checks, and
	 * this keeps them all readable in one place.
	 * @param message the message
	 * @return the message with readable durations
	 */
	public static String withReadableDurations(String message) {
		if (message.indexOf("PT") < 0) {
			return message;
		}
		Matcher matcher = ISO_DURATION.matcher(message);
		StringBuilder result = new StringBuilder();
		while (matcher.find()) {
			matcher.appendReplacement(result, Matcher.quoteReplacement(readable(matcher.group())));
		}
		matcher.appendTail(result);
		return result.toString();
	}

	private static String readable(String isoDuration) {
		if (isoDuration.length() == 2) {
			return isoDuration;
		}
		try {
			return duration(Duration.parse(isoDuration));
		}
		catch (DateTimeParseException ex) {
			return isoDuration;
		}
	}

}
