package io.httpsentinel.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * How one client reports in the health endpoint (Spring Boot Actuator).
 */
public class HealthProperties {

	/**
	 * Whether an open circuit breaker reports the client DOWN instead of CIRCUIT_OPEN.
	 * Only for upstreams the application is useless without.
	 */
	private @Nullable Boolean failOnOpenCircuit;

	public @Nullable Boolean getFailOnOpenCircuit() {
		return this.failOnOpenCircuit;
	}

	public void setFailOnOpenCircuit(@Nullable Boolean failOnOpenCircuit) {
		this.failOnOpenCircuit = failOnOpenCircuit;
	}

}
