package io.httpsentinel.benchmarks.whole;

import org.jspecify.annotations.Nullable;

/**
 * One column of the benchmark: where a load reaches a target and which process's CPU and
 * memory it costs.
 *
 * @param column the column's key ({@code sentinel}, {@code relay}, {@code gateway},
 * {@code nginx} or {@code direct})
 * @param process the process doing the work, {@code null} for {@code direct}
 * @param port where the target listens
 * @param streamPrefix the path before the upstream's stream path ({@code /sse} for
 * Sentinel's proxy, {@code /relay} for the in-app relay, empty for the peers)
 * @param jsonPath the request/response endpoint
 */
record Target(String column, @Nullable TargetProcess process, int port, String streamPrefix, String jsonPath) {

	String streamUrl(String upstreamPath) {
		return "http://127.0.0.1:" + this.port + this.streamPrefix + upstreamPath;
	}

	String jsonUrl() {
		return "http://127.0.0.1:" + this.port + this.jsonPath;
	}

	TargetProcess requireProcess() {
		if (this.process == null) {
			throw new IllegalStateException(this.column + " has no process to measure");
		}
		return this.process;
	}

	boolean isJvm() {
		return !this.column.equals("nginx") && this.process != null;
	}

}
