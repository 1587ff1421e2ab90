package io.httpsentinel.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;

/**
 * Sets logger levels for a test and puts the previous ones back on {@link #close()}.
 */
public final class LogLevels implements AutoCloseable {

	private final LoggingSystem system = LoggingSystem.get(LogLevels.class.getClassLoader());

	private final Map<String, LogLevel> previous = new LinkedHashMap<>();

	/**
	 * Set a logger's level.
	 * @param logger the logger name ({@link LoggingSystem#ROOT_LOGGER_NAME} for the root)
	 * @param level the level
	 * @return this
	 */
	public LogLevels set(String logger, LogLevel level) {
		LoggerConfiguration configuration = this.system.getLoggerConfiguration(logger);
		this.previous.putIfAbsent(logger, (configuration != null) ? configuration.getConfiguredLevel() : null);
		this.system.setLogLevel(logger, level);
		return this;
	}

	@Override
	public void close() {
		this.previous.forEach(this.system::setLogLevel);
	}

}
