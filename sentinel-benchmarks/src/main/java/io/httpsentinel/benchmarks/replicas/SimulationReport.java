package io.httpsentinel.benchmarks.replicas;

import java.util.List;
import java.util.Locale;

/**
 * The end of {@link ReplicasSimulation}'s output: one line per scenario, and each of the
 * issue's targets met or missed.
 */
final class SimulationReport {

	private SimulationReport() {
	}

	static void print(List<ScenarioResult> results, List<String> failures, int quota) {
		System.out.println();
		System.out.println("200/s and 429/s: the upstream's, over the measured seconds; quota: the 200s per second, "
				+ "of " + quota + "; 429 %: the upstream's 429s per call issued;");
		System.out.println("seen 429 and refused (RateLimitExceededException): per call issued, as the replicas "
				+ "counted them; errors: other failures and calls unfinished; p50/p99: the slowest replica's.");
		System.out.println(ScenarioResult.HEADER + "   load");
		for (ScenarioResult result : results) {
			System.out.println(result.line(quota) + "   " + result.load());
		}
		for (ScenarioResult result : results) {
			if (result.sum("redisFallbacks") > 0) {
				System.out.printf(Locale.ROOT,
						"%s: Redis did not answer in time %d times; %d requests decided by the "
								+ "fallback (whole run)%n",
						result.scenario().label(), result.sum("redisFallbacks"), result.sum("redisFallbackRequests"));
			}
		}
		failures.forEach((failure) -> System.out.println("not run: " + failure));
		System.out.println();
		ScenarioResult none = find(results, Scenario.NONE);
		for (ScenarioResult result : results) {
			switch (result.scenario()) {
				case REDIS -> {
					boolean fewTooMany = result.tooManyPercent() <= 1.0;
					boolean quotaUsed = result.okPerSecond() >= 0.95 * quota;
					System.out.printf(Locale.ROOT,
							"redis: 429s %.2f%% of calls (target <= 1%%): %s; quota used %.1f%% (target >= 95%%): %s%n",
							result.tooManyPercent(), verdict(fewTooMany), 100 * result.okPerSecond() / quota,
							verdict(quotaUsed));
				}
				case ADAPTIVE, ADAPTIVE_REDIS -> {
					if (none != null) {
						double factor = none.tooManyPerSecond() / Math.max(result.tooManyPerSecond(), 1e-9);
						System.out
							.printf(Locale.ROOT,
									"%s: 429s %.2f/s against %.2f/s with none, %s fewer (target >= 10x): %s; "
											+ "quota used %.1f%%%n",
									result.scenario().label(), result.tooManyPerSecond(), none.tooManyPerSecond(),
									(result.tooManyPerSecond() > 0) ? String.format(Locale.ROOT, "%.1fx", factor)
											: "none at all,",
									verdict(factor >= 10), 100 * result.okPerSecond() / quota);
					}
				}
				default -> {
				}
			}
		}
	}

	private static ScenarioResult find(List<ScenarioResult> results, Scenario scenario) {
		return results.stream().filter((result) -> result.scenario() == scenario).findFirst().orElse(null);
	}

	private static String verdict(boolean met) {
		return met ? "MET" : "MISSED";
	}

}
