package io.httpsentinel.benchmarks.backends;

import java.util.Locale;

/**
 * One run of {@link BackendsSimulation}: whether a backend starts failing mid-run, and
 * whether the client ejects failing backends (retries are on in every scenario).
 */
enum BackendsScenario {

	/** Every backend answers: the baseline of latency. */
	HEALTHY("healthy", false, true),

	/** One backend starts failing; outlier ejection on (the default). */
	EJECTION("ejection", true, true),

	/** One backend starts failing; outlier ejection off: only retries elsewhere help. */
	NO_EJECTION("no-ejection", true, false);

	private final String label;

	private final boolean fault;

	private final boolean ejection;

	BackendsScenario(String label, boolean fault, boolean ejection) {
		this.label = label;
		this.fault = fault;
		this.ejection = ejection;
	}

	static BackendsScenario of(String label) {
		for (BackendsScenario scenario : values()) {
			if (scenario.label.equals(label.toLowerCase(Locale.ROOT))) {
				return scenario;
			}
		}
		throw new IllegalArgumentException("Unknown scenario '" + label + "' (healthy, ejection, no-ejection)");
	}

	String label() {
		return this.label;
	}

	boolean fault() {
		return this.fault;
	}

	boolean ejection() {
		return this.ejection;
	}

}
