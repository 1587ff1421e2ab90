package io.httpsentinel.benchmarks.whole;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static io.httpsentinel.benchmarks.whole.Report.format;
import static io.httpsentinel.benchmarks.whole.Report.median;
import static io.httpsentinel.benchmarks.whole.Report.min;

/**
 * The load (4), request/response: 256 B of JSON through each target with 64 keep-alive
 * connections, after a warm-up that lasts until the JIT compilers are done, in rounds
 * whose order alternates (Sentinel's {@code /json} and the same app's {@code /plain-json}
 * back to back, ABBA): requests per second, CPU per request (the target's CPU time from
 * {@code /proc} over the round / requests), and the spread of the rounds (lowest /
 * median).
 */
final class RequestLoad {

	private final Settings settings;

	private final Map<String, Target> targets;

	private final Report report;

	RequestLoad(Settings settings, Map<String, Target> targets, Report report) {
		this.settings = settings;
		this.targets = targets;
		this.report = report;
	}

	void run() throws Exception {
		List<Target> order = new ArrayList<>(this.targets.values());
		order.removeIf((target) -> target.process() == null);
		// Sentinel next to the in-app baseline: ABBA.
		order.sort((a, b) -> rank(a) - rank(b));
		int rounds = this.settings.rounds();
		int seconds = this.settings.requestSeconds();
		try (LoadGenerator generator = new LoadGenerator(this.settings.connections(), this.settings.pin())) {
			System.out.printf("%n(4) request/response, %d B JSON, %s: warm-up %d s per JVM endpoint, then %d rounds of"
					+ " %d s%n", 256, generator.describe(), this.settings.warmup(), rounds, seconds);
			warmUp(generator, order);
			Map<String, double[]> rates = new HashMap<>();
			Map<String, double[]> cpu = new HashMap<>();
			order.forEach((target) -> {
				rates.put(target.column(), new double[rounds]);
				cpu.put(target.column(), new double[rounds]);
			});
			System.out.println("round  target         req/s   CPU µs/request   its core: target, others;"
					+ " JIT compilers   GC pauses");
			for (int round = 0; round < rounds; round++) {
				List<Target> thisRound = new ArrayList<>(order);
				if (round % 2 == 1) {
					Collections.reverse(thisRound);
				}
				for (Target target : thisRound) {
					TargetProcess process = target.requireProcess();
					JvmCounters counters = new JvmCounters(process.pid());
					JvmCounters.GcPauses gcBefore = counters.gcPauses();
					long compilersBefore = target.isJvm() ? process.compilerCpuNanos() : 0;
					long busyBefore = TargetProcess.busyNanos(0);
					long cpuBefore = process.cpuNanos();
					long start = System.nanoTime();
					long requests = generator.run(target.jsonUrl(), seconds);
					long elapsed = System.nanoTime() - start;
					long cpuUsed = process.cpuNanos() - cpuBefore;
					long busy = TargetProcess.busyNanos(0) - busyBefore;
					long compilers = target.isJvm() ? process.compilerCpuNanos() - compilersBefore : 0;
					JvmCounters.GcPauses gcAfter = counters.gcPauses();
					rates.get(target.column())[round] = requests / (double) seconds;
					cpu.get(target.column())[round] = cpuUsed / 1000.0 / Math.max(1, requests);
					// What a low round is made of: the target's share of its core, what
					// else ran there (the other targets, anything else on the machine),
					// the compilers' share and the collections' pauses.
					System.out.printf("%5d  %-10s %9.0f %12.1f   %5.1f%%  %7s   %10s   %-16s (%.1f s)%n", round + 1,
							target.column(), rates.get(target.column())[round], cpu.get(target.column())[round],
							cpuUsed * 100.0 / elapsed,
							(this.settings.pin() && busyBefore >= 0)
									? format("%.1f%%", (busy - cpuUsed) * 100.0 / elapsed) : "–",
							target.isJvm() ? format("%.1f%%", compilers * 100.0 / elapsed) : "–",
							(gcAfter != null) ? gcAfter.since(gcBefore) : "–", elapsed / 1e9);
				}
			}
			summarize(order, rates, cpu);
		}
	}

	/**
	 * Warm up each endpoint until its JVM is warm: at least {@code warmup} seconds per
	 * JVM endpoint, then on until the JIT compilers of every JVM target have been quiet
	 * for two of its slices in a row (see {@link JitCompilers}), at most
	 * {@code warmupMax} seconds. With a fixed 60 s, C2 was still compiling during the
	 * rounds on the one core the target has, and took whole rounds down by a third.
	 */
	private void warmUp(LoadGenerator generator, List<Target> order) throws Exception {
		Map<TargetProcess, JitCompilers> compilers = new IdentityHashMap<>();
		for (Target target : order) {
			if (target.isJvm()) {
				compilers.computeIfAbsent(target.requireProcess(), JitCompilers::new);
			}
		}
		long start = System.nanoTime();
		// In slices, alternating, so that the compiler sees both endpoints of the app.
		int slice = Math.min(5, this.settings.warmup());
		int done = 0;
		while (done < this.settings.warmupMax()) {
			for (Target target : order) {
				if (target.isJvm()) {
					JitCompilers jit = compilers.get(target.requireProcess());
					jit.startWindow();
					generator.run(target.jsonUrl(), slice);
					jit.endWindow();
				}
				else if (done == 0) {
					generator.run(target.jsonUrl(), 2);
				}
			}
			done += slice;
			if (done >= this.settings.warmup() && compilers.values().stream().allMatch(JitCompilers::quiet)) {
				break;
			}
		}
		System.out.printf("warm-up: %d s per JVM endpoint (at least %d, at most %d), %.0f s in all%n", done,
				this.settings.warmup(), this.settings.warmupMax(), (System.nanoTime() - start) / 1e9);
		for (Target target : order) {
			JitCompilers jit = compilers.remove(target.isJvm() ? target.requireProcess() : null);
			if (jit != null) {
				System.out.printf("%-10s %s%n", target.column(), jit.describe());
			}
		}
	}

	private void summarize(List<Target> order, Map<String, double[]> rates, Map<String, double[]> cpu) {
		String row = "request/response, " + this.settings.connections()
				+ " connections, 256 B JSON: req/s, CPU µs/request (lowest round / median)";
		for (Target target : order) {
			double[] r = rates.get(target.column());
			String cell = format("%.1fk, %.0f (%.2f)", median(r) / 1000, median(cpu.get(target.column())),
					min(r) / median(r));
			if (target.column().equals("sentinel")) {
				cell = "**" + cell.replace(" (", "** (");
			}
			this.report.cell(row, target.column(), cell);
		}
		double[] sentinel = rates.get("sentinel");
		if (sentinel == null) {
			return;
		}
		if (rates.containsKey("relay")) {
			double rateRatio = median(perRound(sentinel, rates.get("relay")));
			double cpuRatio = median(perRound(cpu.get("sentinel"), cpu.get("relay")));
			this.report.target("(4) req/s, Sentinel /json / plain WebClient /plain-json",
					format("%.2f (median of the rounds' ratios)", rateRatio), ">= 0.95", rateRatio >= 0.95);
			this.report.target("(4) CPU per request, Sentinel / plain WebClient",
					format("%.2f (median of the rounds' ratios)", cpuRatio), "<= 1.10", cpuRatio <= 1.10);
		}
		if (rates.containsKey("gateway")) {
			double ratio = median(sentinel) / median(rates.get("gateway"));
			this.report.target("(4) req/s, Sentinel / Spring Cloud Gateway",
					format("%.2f (%.0f vs %.0f req/s)", ratio, median(sentinel), median(rates.get("gateway"))), ">= 2",
					ratio >= 2);
		}
		double steadiness = min(sentinel) / median(sentinel);
		this.report.target("(4) steadiness, Sentinel's lowest round / median",
				format("%.2f (%.0f / %.0f req/s over %d rounds)", steadiness, min(sentinel), median(sentinel),
						sentinel.length),
				">= 0.8", steadiness >= 0.8);
	}

	private static double[] perRound(double[] values, double[] peer) {
		double[] ratios = new double[values.length];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = values[i] / peer[i];
		}
		return ratios;
	}

	private static int rank(Target target) {
		return List.of("sentinel", "relay", "gateway", "nginx").indexOf(target.column());
	}

}
