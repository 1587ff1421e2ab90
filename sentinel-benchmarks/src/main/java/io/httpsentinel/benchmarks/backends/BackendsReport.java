package io.httpsentinel.benchmarks.backends;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The end of {@link BackendsSimulation}'s output: one line per scenario, the failing
 * backend's share per second, the ejections, and each of the targets met or
 * missed.
 */
final class BackendsReport {

	private BackendsReport() {
	}

	static void print(List<BackendsScenarioResult> results) {
		BackendsScenarioResult healthy = find(results, BackendsScenario.HEALTHY);
		System.out.println();
		System.out.println("calls: issued while measuring; success: answered 200 (retries included); shed: not issued, "
				+ "too many in flight; +p99: against healthy;");
		System.out.println("retries: attempts after the first; ejects: ejections; fault share: the failing backend's "
				+ "share of the attempts since the fault; < 5% after: the end of the first second below 5%.");
		System.out.println(BackendsScenarioResult.HEADER + "   load");
		for (BackendsScenarioResult result : results) {
			System.out.println(result.line(healthy) + "   " + result.load());
		}
		System.out.println();
		for (BackendsScenarioResult result : results) {
			if (!result.gaveUp().isEmpty()) {
				System.out.printf(Locale.ROOT, "%s: failed calls given up after (reason: calls): %s%n",
						result.scenario().label(), result.gaveUp());
			}
			if (result.scenario().fault()) {
				System.out.printf(Locale.ROOT, "%s: the failing backend's share per second since the fault (%%): %s%n",
						result.scenario().label(), result.sharesSinceFault());
				result.ejectionLog().forEach((event) -> System.out.println("   " + event));
			}
		}
		BackendsScenarioResult ejection = find(results, BackendsScenario.EJECTION);
		if (ejection != null) {
			Integer avoided = ejection.secondsUntilAvoided();
			boolean success = ejection.outcome().successPercent() >= 99.9;
			boolean soon = avoided != null && avoided <= 10;
			System.out.println();
			System.out.printf(Locale.ROOT,
					"ejection: success %.3f%% (target >= 99.9%%): %s; failing share below 5%% "
							+ "%s after the fault (target within 10 s): %s%s%n",
					ejection.outcome().successPercent(), verdict(success), (avoided != null) ? avoided + " s" : "never",
					verdict(soon), (ejection.secondsAboveAfterAvoided() > 0)
							? "; " + ejection.secondsAboveAfterAvoided() + " later seconds at 5% or more" : "");
		}
	}

	private static @Nullable BackendsScenarioResult find(List<BackendsScenarioResult> results,
			BackendsScenario scenario) {
		return results.stream().filter((result) -> result.scenario() == scenario).findFirst().orElse(null);
	}

	private static String verdict(boolean met) {
		return met ? "MET" : "MISSED";
	}

}
