package io.httpsentinel;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * Checks shared by the settings records. A {@code null} value means "inherit" and always
 * passes.
 */
@Internal
public final class SettingChecks {

	private SettingChecks() {
	}

	public static void positive(String key, @Nullable Integer value) {
		if (value != null && value <= 0) {
			throw new InvalidSettingException(key, value, "must be greater than 0");
		}
	}

	public static void positive(String key, @Nullable Duration value) {
		if (value != null && (value.isZero() || value.isNegative())) {
			throw new InvalidSettingException(key, value, "must be greater than 0");
		}
	}

	public static void positive(String key, @Nullable DataSize value) {
		if (value != null && value.toBytes() <= 0) {
			throw new InvalidSettingException(key, value, "must be greater than 0");
		}
	}

	public static void notNegative(String key, @Nullable Duration value) {
		if (value != null && value.isNegative()) {
			throw new InvalidSettingException(key, value, "must not be negative");
		}
	}

	public static <T> T required(String key, @Nullable T value) {
		if (value == null) {
			throw new InvalidSettingException(key, null, "must be set");
		}
		return value;
	}

	public static <T> @Nullable T pick(@Nullable T value, @Nullable T fallback) {
		return (value != null) ? value : fallback;
	}

}
