package io.httpsentinel.client;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.SettingChecks;

/**
 * How a client reports in Spring Boot's health endpoint. Every component may be
 * {@code null}, meaning "inherit".
 *
 * @param failOnOpenCircuit whether an open circuit breaker reports the client
 * {@code DOWN} instead of {@code CIRCUIT_OPEN}; only sensible when the application is
 * useless without this upstream
 */
public record HealthSettings(@Nullable Boolean failOnOpenCircuit) {

	/**
	 * Built-in defaults: an open circuit is reported as {@code CIRCUIT_OPEN}, not
	 * {@code DOWN}.
	 */
	public static final HealthSettings DEFAULTS = new HealthSettings(false);

	/**
	 * Settings that inherit everything.
	 */
	public static final HealthSettings INHERIT = new HealthSettings(null);

	/**
	 * Return settings where every {@code null} component is taken from {@code other}.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public HealthSettings orElse(HealthSettings other) {
		return new HealthSettings(SettingChecks.pick(this.failOnOpenCircuit, other.failOnOpenCircuit));
	}

	/**
	 * Whether an open circuit means {@code DOWN}; {@code false} when not set.
	 * @return whether to fail
	 */
	public boolean failsOnOpenCircuit() {
		return Boolean.TRUE.equals(this.failOnOpenCircuit);
	}

}
