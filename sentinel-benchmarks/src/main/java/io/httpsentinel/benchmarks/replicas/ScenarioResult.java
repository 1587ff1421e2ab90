package io.httpsentinel.benchmarks.replicas;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one scenario of {@link ReplicasSimulation} measured, as the upstream saw it over
 * the measured whole seconds and as the replicas counted the calls they issued in that
 * time, and its line of the simulation's table.
 *
 * @param scenario the scenario
 * @param seconds the measured seconds
 * @param upstream the upstream's counts ({@link QuotaUpstream#counts})
 * @param replicas the {@code RESULT} JSON of each replica
 * @param load the machine's load average during the scenario
 */
record ScenarioResult(Scenario scenario, int seconds, long[] upstream, List<String> replicas, String load) {

	static final String HEADER = String.format(Locale.ROOT, "%-15s %8s %16s %7s %9s %9s %9s %9s %8s %15s", "scenario",
			"calls/s", "200/s (min-max)", "quota", "429/s", "429 %", "seen 429", "refused", "errors",
			"call p50/p99 ms");

	double okPerSecond() {
		return (double) this.upstream[0] / this.seconds;
	}

	double tooManyPerSecond() {
		return (double) this.upstream[1] / this.seconds;
	}

	double callsPerSecond() {
		return (double) sum("calls") / this.seconds;
	}

	/**
	 * @return the upstream's 429s per second, as a percentage of the calls per second
	 */
	double tooManyPercent() {
		double calls = callsPerSecond();
		return (calls > 0) ? 100 * tooManyPerSecond() / calls : 0;
	}

	/**
	 * @return the 429s the replicas received, as a percentage of their calls
	 */
	double seenTooManyPercent() {
		long calls = sum("calls");
		return (calls > 0) ? 100.0 * sum("tooMany") / calls : 0;
	}

	String line(int quota) {
		long calls = sum("calls");
		return String.format(Locale.ROOT,
				"%-15s %8.1f %7.1f (%d-%d) %6.1f%% %9.2f %8.2f%% %8.2f%% %8.2f%% %8d %7.0f/%.0f", this.scenario.label(),
				callsPerSecond(), okPerSecond(), this.upstream[2], this.upstream[3], 100 * okPerSecond() / quota,
				tooManyPerSecond(), tooManyPercent(), seenTooManyPercent(),
				(calls > 0) ? 100.0 * sum("refused") / calls : 0, sum("unfinished") + errorCount(), max("p50Millis"),
				max("p99Millis"));
	}

	/**
	 * @return the sum of a count over the replicas
	 */
	long sum(String key) {
		long sum = 0;
		for (String replica : this.replicas) {
			sum += (long) number(replica, key);
		}
		return sum;
	}

	private double max(String key) {
		double max = 0;
		for (String replica : this.replicas) {
			max = Math.max(max, number(replica, key));
		}
		return max;
	}

	private long errorCount() {
		long errors = 0;
		for (String replica : this.replicas) {
			Matcher counts = Pattern.compile(":(\\d+)").matcher(errorsOf(replica));
			while (counts.find()) {
				errors += Long.parseLong(counts.group(1));
			}
		}
		return errors;
	}

	private static String errorsOf(String replica) {
		int start = replica.indexOf("\"errors\":{");
		return (start < 0) ? "" : replica.substring(start + 10, replica.indexOf('}', start));
	}

	private static double number(String json, String key) {
		Matcher matcher = Pattern.compile("\"" + key + "\":([0-9.]+)").matcher(json);
		return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
	}

}
