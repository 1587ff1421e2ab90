package io.httpsentinel.client;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

import io.httpsentinel.SettingChecks;

/**
 * Request/response logging of one client. Every component may be {@code null}, meaning
 * "inherit".
 *
 * @param level how much of each exchange is logged (at DEBUG level, on the logger
 * {@code io.httpsentinel.exchange.<client>})
 * @param bodyLimit most bytes of each request or response body logged at level
 * {@link ExchangeLogLevel#BODY}; the rest of the body passes unlogged
 */
public record LogSettings(@Nullable ExchangeLogLevel level, @Nullable DataSize bodyLimit) {

	/**
	 * Built-in defaults: no logging; at most 4KB of each body when bodies are logged.
	 */
	public static final LogSettings DEFAULTS = new LogSettings(ExchangeLogLevel.NONE, DataSize.ofKilobytes(4));

	/**
	 * Settings that inherit everything.
	 */
	public static final LogSettings INHERIT = new LogSettings(null, null);

	public LogSettings {
		SettingChecks.positive("log-body-limit", bodyLimit);
	}

	/**
	 * Return settings where every {@code null} component is taken from {@code other}.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public LogSettings orElse(LogSettings other) {
		return new LogSettings(SettingChecks.pick(this.level, other.level),
				SettingChecks.pick(this.bodyLimit, other.bodyLimit));
	}

	public LogSettings withLevel(@Nullable ExchangeLogLevel level) {
		return new LogSettings(level, this.bodyLimit);
	}

	public LogSettings withBodyLimit(@Nullable DataSize bodyLimit) {
		return new LogSettings(this.level, bodyLimit);
	}

	/**
	 * Whether anything is logged; {@code false} when not set.
	 * @return whether the level is above {@link ExchangeLogLevel#NONE}
	 */
	public boolean isEnabled() {
		return this.level != null && this.level != ExchangeLogLevel.NONE;
	}

}
