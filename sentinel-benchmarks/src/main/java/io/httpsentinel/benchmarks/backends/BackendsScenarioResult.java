package io.httpsentinel.benchmarks.backends;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import org.jspecify.annotations.Nullable;

/**
 * What one scenario of {@link BackendsSimulation} measured, and its lines of the table:
 * the calls' outcomes and durations as the load saw them, and the attempts each backend
 * received per second as the backends counted them.
 *
 * @param scenario the scenario
 * @param outcome the measured calls
 * @param perSecond the attempts each backend received in each measured second
 * ({@code [backend][second]})
 * @param failing the index of the backend that fails (in a scenario with a fault)
 * @param faultAt the measured second the fault started at
 * @param retries the retries the client made (attempts after the first)
 * @param gaveUp why the client gave up on the calls that failed, by reason
 * @param ejections the ejections the client made
 * @param ejectionLog when each ejection and return happened, relative to the fault
 * @param load the machine's load average during the scenario
 */
record BackendsScenarioResult(BackendsScenario scenario, SteadyLoad.Outcome outcome, long[][] perSecond, int failing,
		int faultAt, long retries, Map<String, Long> gaveUp, long ejections, List<String> ejectionLog, String load) {

	/** Below this share of the traffic, the failing backend counts as avoided. */
	static final double AVOIDED_SHARE = 0.05;

	static final String HEADER = String.format(Locale.ROOT, "%-12s %7s %9s %8s %5s %8s %8s %9s %8s %6s %11s %10s",
			"scenario", "calls", "success", "failed", "shed", "p50 ms", "p99 ms", "+p99 ms", "retries", "ejects",
			"fault share", "< 5% after");

	/**
	 * The failing backend's share of the attempts in one measured second.
	 * @param second the second
	 * @return the share, from 0 to 1
	 */
	double failingShare(int second) {
		long total = 0;
		for (long[] backend : this.perSecond) {
			total += backend[second];
		}
		return (total > 0) ? (double) this.perSecond[this.failing][second] / total : 0;
	}

	/**
	 * The failing backend's share of the attempts over every second since the fault.
	 * @return the share, from 0 to 1
	 */
	double failingShareSinceFault() {
		long failing = 0;
		long total = 0;
		for (int second = this.faultAt; second < seconds(); second++) {
			for (long[] backend : this.perSecond) {
				total += backend[second];
			}
			failing += this.perSecond[this.failing][second];
		}
		return (total > 0) ? (double) failing / total : 0;
	}

	/**
	 * How long after the fault the failing backend's share was first below 5% for a whole
	 * second: the end of that second.
	 * @return whole seconds since the fault, or {@code null} when it never was
	 */
	@Nullable Integer secondsUntilAvoided() {
		for (int second = this.faultAt; second < seconds(); second++) {
			if (failingShare(second) < AVOIDED_SHARE) {
				return second - this.faultAt + 1;
			}
		}
		return null;
	}

	/**
	 * The seconds after the first avoided one in which the share was 5% or more again
	 * (e.g. a backend back from its ejection that is ejected again).
	 * @return the count
	 */
	int secondsAboveAfterAvoided() {
		Integer avoided = secondsUntilAvoided();
		int count = 0;
		if (avoided != null) {
			for (int second = this.faultAt + avoided; second < seconds(); second++) {
				count += (failingShare(second) >= AVOIDED_SHARE) ? 1 : 0;
			}
		}
		return count;
	}

	/**
	 * The failing backend's share in each second from the fault on.
	 * @return e.g. {@code 31.8 0.4 0.0 ...} in percent
	 */
	String sharesSinceFault() {
		StringJoiner shares = new StringJoiner(" ");
		for (int second = this.faultAt; second < seconds(); second++) {
			shares.add(String.format(Locale.ROOT, "%.1f", 100 * failingShare(second)));
		}
		return shares.toString();
	}

	String line(@Nullable BackendsScenarioResult baseline) {
		Integer avoided = secondsUntilAvoided();
		String addedP99 = (baseline != null && baseline != this) ? String.format(Locale.ROOT, "%+.1f",
				this.outcome.percentileMillis(0.99) - baseline.outcome.percentileMillis(0.99)) : "-";
		String share = this.scenario.fault() ? String.format(Locale.ROOT, "%.1f%%", 100 * failingShareSinceFault())
				: "-";
		String until = !this.scenario.fault() ? "-" : (avoided != null) ? avoided + " s" : "never";
		return String.format(Locale.ROOT, "%-12s %7d %8.3f%% %8d %5d %8.1f %8.1f %9s %8d %6d %11s %10s",
				this.scenario.label(), this.outcome.calls(), this.outcome.successPercent(),
				this.outcome.calls() - this.outcome.ok(), this.outcome.shed(), this.outcome.percentileMillis(0.50),
				this.outcome.percentileMillis(0.99), addedP99, this.retries, this.ejections, share, until);
	}

	int seconds() {
		return this.perSecond[0].length;
	}

}
