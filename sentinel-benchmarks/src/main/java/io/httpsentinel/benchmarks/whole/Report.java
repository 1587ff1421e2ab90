package io.httpsentinel.benchmarks.whole;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the benchmark prints: one {@code TARGET} line per target of the issue as soon as
 * it is measured (and all of them again at the end), and the Markdown table of the loads
 * (rows) against the targets (columns), every Sentinel cell with its ratios to the peers.
 */
final class Report {

	private static final List<String> COLUMNS = List.of("nginx", "gateway", "relay", "sentinel");

	private final Map<String, String> headings;

	private final Map<String, Map<String, String>> rows = new LinkedHashMap<>();

	private final List<String> targets = new ArrayList<>();

	/**
	 * A report whose relay column is the given in-app relay.
	 * @param relayPath the relay's path, {@code /relay} unless another one was chosen
	 */
	Report(String relayPath) {
		String relay = relayPath.equals("/relay") ? "in-app relay" : "in-app relay (" + relayPath + ")";
		this.headings = Map.of("nginx", "nginx", "gateway", "Spring Cloud Gateway", "relay",
				relay + " / plain WebClient", "sentinel", "Sentinel app");
	}

	/**
	 * Put a cell of the table.
	 */
	void cell(String row, String column, String value) {
		this.rows.computeIfAbsent(row, (key) -> new LinkedHashMap<>()).put(column, value);
	}

	/**
	 * Print (and remember) one target's outcome.
	 */
	void target(String name, String value, String target, boolean met) {
		String line = String.format(Locale.ROOT, "TARGET [whole-app] %s: %s (target %s): %s", name, value, target,
				met ? "MET" : "MISSED");
		this.targets.add(line);
		System.out.println(line);
	}

	/**
	 * Print a target whose peer was not measured in this run.
	 */
	void notMeasured(String name, String why) {
		String line = "TARGET [whole-app] " + name + ": not measured (" + why + ")";
		this.targets.add(line);
		System.out.println(line);
	}

	void print(String conditions) {
		System.out.println();
		System.out.println("| load (" + conditions + ") | "
				+ String.join(" | ", COLUMNS.stream().map(this.headings::get).toList()) + " |");
		System.out.println("| --- |" + " ---: |".repeat(COLUMNS.size()));
		this.rows.forEach((row,
				cells) -> System.out.println("| " + row + " | "
						+ String.join(" | ", COLUMNS.stream().map((column) -> cells.getOrDefault(column, "–")).toList())
						+ " |"));
		System.out.println();
		this.targets.forEach(System.out::println);
		long missed = this.targets.stream().filter((line) -> line.endsWith(": MISSED")).count();
		long met = this.targets.stream().filter((line) -> line.endsWith(": MET")).count();
		System.out.printf(Locale.ROOT, "targets: %d met, %d missed%n", met, missed);
	}

	/**
	 * A ratio for the table, "1.40× relay".
	 */
	static String ratio(double value, double peer, String peerName) {
		return (Double.isFinite(value) && Double.isFinite(peer) && peer != 0)
				? String.format(Locale.ROOT, "%.2f× %s", value / peer, peerName) : "";
	}

	static String format(String pattern, Object... arguments) {
		return String.format(Locale.ROOT, pattern, arguments);
	}

	static double percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
	}

	static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	static double min(double[] values) {
		return Arrays.stream(values).min().orElse(Double.NaN);
	}

}
