package io.httpsentinel.benchmarks.whole;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import static io.httpsentinel.benchmarks.whole.Report.format;
import static io.httpsentinel.benchmarks.whole.Report.percentile;
import static io.httpsentinel.benchmarks.whole.Report.ratio;

/**
 * The load (3), many idle streams (one event every 5 s each) against each target in turn:
 * the time from each stream's connection to its response headers while they all open at
 * once, the target's CPU while they are open (once they have been open for a heartbeat
 * interval and its JIT compilers are done with what the opening made hot, see
 * {@link #awaitFirstTimerRound} and {@link #awaitCompilersQuiet}), and what each holds in
 * memory: for a JVM the live heap with the streams open minus before opening them (see
 * {@link #liveHeap}), for nginx (no heap) its resident memory with the streams open minus
 * before.
 */
final class IdleLoad {

	private static final String STREAM = "/paced?size=256&rate=0.2";

	/** The streams of the opening warm-up: one event at once, then nothing. */
	private static final String OPENING_STREAM = "/idle";

	/**
	 * How long the streams are open before the idle CPU is measured, at least: the
	 * Sentinel app's heartbeat interval ({@code sse.heartbeat}, 15 s by default) and a
	 * margin.
	 */
	private static final Duration FIRST_TIMER_ROUND = Duration.ofSeconds(17);

	private final Settings settings;

	private final Map<String, Target> targets;

	private final StreamClient client;

	private final Report report;

	IdleLoad(Settings settings, Map<String, Target> targets, StreamClient client, Report report) {
		this.settings = settings;
		this.targets = targets;
		this.client = client;
		this.report = report;
	}

	void run() throws Exception {
		int count = this.settings.idle();
		System.out
			.printf("%n(3) %,d idle streams (0.2 events/s each), opened all at once; CPU over %d s from %d s after"
					+ " they opened%n", count, this.settings.idleSeconds(), FIRST_TIMER_ROUND.toSeconds());
		Map<String, double[]> results = new HashMap<>();
		for (Target target : this.targets.values()) {
			if (target.process() != null) {
				results.put(target.column(), measure(target, count));
			}
		}
		String heapRow = format("%,d idle streams: live heap per stream (after full GC)", count);
		String cpuRow = format("%,d idle streams (0.2 events/s each): CPU while idle", count);
		String headersRow = format("%,d streams opening: time to response headers p50 / max", count);
		results.forEach((column, result) -> {
			String heap = format("%.1f KiB%s", result[0] / 1024, column.equals("nginx") ? " RSS" : "");
			String cpu = format("%.1f%%", result[1] * 100);
			String headers = format("%.2f s / %.2f s", result[2] / 1e9, result[3] / 1e9);
			if (column.equals("sentinel")) {
				heap = "**" + heap + "** " + ratio(result[0], value(results, "gateway", 0), "gateway") + ", "
						+ ratio(result[0], value(results, "relay", 0), "relay");
				cpu = "**" + cpu + "** " + ratio(result[1], value(results, "relay", 1), "relay") + ", "
						+ ratio(result[1], value(results, "nginx", 1), "nginx");
				headers = "**" + headers + "** " + ratio(result[2], value(results, "nginx", 2), "nginx") + " (p50)";
			}
			this.report.cell(heapRow, column, heap);
			this.report.cell(cpuRow, column, cpu);
			this.report.cell(headersRow, column, headers);
		});
		double[] sentinel = results.get("sentinel");
		if (sentinel == null) {
			return;
		}
		double kib = sentinel[0] / 1024;
		this.report.target("(3) live heap per idle stream, Sentinel",
				format("%.1f KiB (the design promises < 16 KB = 15.6 KiB: %+.1f KiB)", kib, kib - 15.625), "<= 20 KiB",
				kib <= 20);
		if (results.containsKey("relay")) {
			double relay = results.get("relay")[1];
			this.report.target("(3) CPU while idle, Sentinel / in-app relay",
					format("%.2f (%.1f%% vs %.1f%% of a core)", sentinel[1] / relay, sentinel[1] * 100, relay * 100),
					"<= 1.10", sentinel[1] <= relay * 1.10);
		}
		if (results.containsKey("nginx")) {
			double nginx = results.get("nginx")[2];
			this.report.target("(3) time to headers p50 while opening, Sentinel / nginx",
					format("%.2f (%.2f s vs %.2f s)", sentinel[2] / nginx, sentinel[2] / 1e9, nginx / 1e9), "<= 1.5",
					sentinel[2] <= nginx * 1.5);
		}
		else {
			this.report.notMeasured("(3) time to headers p50 while opening, Sentinel / nginx", "nginx not in this run");
		}
	}

	private static double value(Map<String, double[]> results, String column, int index) {
		double[] result = results.get(column);
		return (result != null) ? result[index] : Double.NaN;
	}

	/**
	 * @return bytes per stream, share of a core while idle, time to headers p50 and max
	 * in ns
	 */
	private double[] measure(Target target, int count) throws Exception {
		TargetProcess process = target.requireProcess();
		warmUp(target, count / 5);
		warmUpOpening(target, count / 5);
		long before = target.isJvm() ? liveHeap(process).bytes() : process.rssBytes();
		long rssBefore = process.rssBytes();
		double[] result = new double[4];
		long open;
		long rssOpen;
		try (StreamClient.Streams streams = this.client.streams(count)) {
			OpeningProfile profile = OpeningProfile.start(target);
			long openingStart = System.nanoTime();
			long openingCompilers = target.isJvm() ? process.compilerCpuNanos() : 0;
			openAll(streams, target, count);
			long openedAt = System.nanoTime();
			profile.dump("headers");
			if (target.isJvm()) {
				System.out.printf("%-10s JIT compilers took %.0f%% of a core while the streams opened%n",
						target.column(),
						(process.compilerCpuNanos() - openingCompilers) * 100.0 / (System.nanoTime() - openingStart));
			}
			long[] headers = streams.headerTimes();
			result[2] = percentile(headers, 0.5);
			result[3] = headers[headers.length - 1];
			long[] sinceCall = streams.headerTimesSinceCall();
			System.out.printf(
					"%-10s headers p50 / max from the connection %.2f s / %.2f s, from the call %.2f s / %.2f s%n",
					target.column(), result[2] / 1e9, result[3] / 1e9, percentile(sinceCall, 0.5) / 1e9,
					sinceCall[sinceCall.length - 1] / 1e9);
			// Every stream has had its first event when its upstream stream is open.
			streams.awaitEvents(1, Duration.ofSeconds(60));
			profile.stop("events");
			awaitFirstTimerRound(openedAt);
			awaitCompilersQuiet(target);
			long cpu = process.cpuNanos();
			long compilers = target.isJvm() ? process.compilerCpuNanos() : 0;
			long start = System.nanoTime();
			Thread.sleep(this.settings.idleSeconds() * 1000L);
			long elapsed = System.nanoTime() - start;
			result[1] = (process.cpuNanos() - cpu) / (double) elapsed;
			if (target.isJvm()) {
				System.out.printf("%-10s idle CPU %.1f%%, of which JIT compilers %.1f%%%n", target.column(),
						result[1] * 100, (process.compilerCpuNanos() - compilers) * 100.0 / elapsed);
			}
			if (target.isJvm()) {
				LiveHeap heap = liveHeap(process);
				open = heap.bytes();
				if (this.settings.histogram()) {
					System.out.println(heap.top(Integer.getInteger("histogramLines", 45)));
				}
			}
			else {
				open = process.rssBytes();
			}
			rssOpen = process.rssBytes();
		}
		// What the streams held must be gone once they are closed: the same figure from
		// the live heap after closing them cross-checks the one from before.
		long after = target.isJvm() ? liveHeap(process).bytes() : rssBefore;
		result[0] = (open - before) / (double) count;
		double check = (open - after) / (double) count;
		System.out.printf(
				"%-10s headers p50 %.2f s, max %.2f s; idle CPU %.1f%%; %s before %,d KiB, open %,d KiB, after %,d KiB:"
						+ " %.1f KiB per stream (%.1f KiB over the heap after closing them; RSS %+.1f KiB per stream)%n",
				target.column(), result[2] / 1e9, result[3] / 1e9, result[1] * 100,
				target.isJvm() ? "live heap" : "RSS", before / 1024, open / 1024, after / 1024, result[0] / 1024,
				check / 1024, (rssOpen - rssBefore) / 1024.0 / count);
		if (target.isJvm() && Math.abs(check - result[0]) > 0.05 * result[0]) {
			System.out.printf("!! %s: the live heap after closing the streams is %+,d KiB off the heap before%n",
					target.column(), (after - before) / 1024);
		}
		return result;
	}

	/**
	 * Open {@code count} streams, keep them open until each had two events, and close
	 * them, again until a JVM target's JIT compilers took less than 5% of a core in a
	 * round (at most 5 rounds): class loading, caches that are not per stream, and the
	 * compilation of the opening's path and of the idle streams' event path do not count.
	 * After one round of 1,000 streams opened and closed at once, the compilers still
	 * took 32% of the core while 5,000 opened (42% for the in-app relay; an
	 * async-profiler profile of the opening), at the cost of the event loops: a cost
	 * nginx does not have and a warm server has paid. And a target whose own code handles
	 * each event (a parser, resume ids) compiled it in the 20 s its idle CPU was
	 * measured, a one-off cost that took up to 3% of a core in that window.
	 */
	private void warmUp(Target target, int count) throws Exception {
		for (int round = 1; round <= 5; round++) {
			long start = System.nanoTime();
			long compilers = target.isJvm() ? target.requireProcess().compilerCpuNanos() : 0;
			try (StreamClient.Streams streams = this.client.streams(count)) {
				openAll(streams, target, count);
				streams.awaitEvents(2, Duration.ofSeconds(60));
			}
			if (!target.isJvm()) {
				return;
			}
			long elapsed = System.nanoTime() - start;
			double share = (target.requireProcess().compilerCpuNanos() - compilers) / (double) elapsed;
			System.out.printf("%-10s warm-up round %d: JIT compilers took %.0f%% of a core%n", target.column(), round,
					share * 100);
			if (share < 0.05) {
				return;
			}
		}
	}

	/**
	 * Open {@code count} streams and close them as soon as all have their headers, again
	 * until neither the target's JIT compilers nor this process's (the client and the
	 * upstream, on the other CPU) took 5% of a core while they opened, in two rounds in a
	 * row (one such round came by chance while a round still took half as long again as
	 * the last ones), at most {@code -DopeningRounds} times. The streams are
	 * {@code /idle} ones, whose first event comes at once, so that a target that sends
	 * its headers with the first event opens them as fast as the others. The rounds of
	 * {@link #warmUp} stop on the compilers' share of a whole round, most of which waits
	 * for events: when 5,000 streams opened after them, the opening's own path was still
	 * being compiled (the target's compilers took 20-23% of the core then, 13-16% for the
	 * in-app relay), and so was this process's: nginx, measured first in a run, answered
	 * 5,000 streams in 0.87 s p50 with this process cold, 0.44 s with it warm and 0.18 s
	 * after the loads before it in a full run. A server that opens streams all day has
	 * paid both. The Sentinel app took 12-33 rounds of 1,000 to get there, the in-app
	 * relay 47-52 and the gateway 57 (the tenth round of issue 12).
	 */
	private void warmUpOpening(Target target, int count) throws Exception {
		CompilationMXBean driver = ManagementFactory.getCompilationMXBean();
		int quiet = 0;
		for (int round = 1; round <= this.settings.openingRounds(); round++) {
			long compilers = target.isJvm() ? target.requireProcess().compilerCpuNanos() : 0;
			long driverMillis = driver.getTotalCompilationTime();
			long start = System.nanoTime();
			double elapsed;
			double share;
			double driverShare;
			try (StreamClient.Streams streams = this.client.streams(count)) {
				openAll(streams, target, count, OPENING_STREAM);
				elapsed = System.nanoTime() - start;
				share = target.isJvm() ? (target.requireProcess().compilerCpuNanos() - compilers) / elapsed : 0;
				driverShare = TimeUnit.MILLISECONDS.toNanos(driver.getTotalCompilationTime() - driverMillis) / elapsed;
			}
			System.out.printf(
					"%-10s opening warm-up round %d: %,d streams opened in %.2f s, JIT compilers took %.0f%% of a core"
							+ " meanwhile (this process's %.0f%%)%n",
					target.column(), round, count, elapsed / 1e9, share * 100, driverShare * 100);
			quiet = (share < 0.05 && driverShare < 0.05) ? quiet + 1 : 0;
			if (quiet == 2) {
				return;
			}
		}
		System.out.printf("!! %s: the JIT compilers were still busy after %d opening warm-up rounds%n", target.column(),
				this.settings.openingRounds());
	}

	/**
	 * Wait until the streams have been open for one heartbeat interval, for every target
	 * alike: the idle CPU is that of streams that stay open, and a stream's timers first
	 * fire one interval after it opened. Measured from the first events instead, the idle
	 * window of a target with timers held the one-off cost of their first round:
	 * Sentinel's drain loop deoptimized and compiled again for the heartbeat check's path
	 * (the warm-up streams close before it comes), 0.6-0.7% of the core in a 20 s window.
	 */
	private static void awaitFirstTimerRound(long openedAt) throws InterruptedException {
		long left = openedAt + FIRST_TIMER_ROUND.toNanos() - System.nanoTime();
		if (left > 0) {
			Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left));
		}
	}

	/**
	 * Wait until the JIT compilers of a JVM target are done with what opening the streams
	 * made hot (at most 60 s): the idle CPU is that of streams that stay open. Right
	 * after thousands of streams opened, the C2 compiler works for tens of seconds (a
	 * one-off cost of the opening, larger for a target with more code on the path), and
	 * in the first 20 s it took most of what told the targets apart.
	 */
	private static void awaitCompilersQuiet(Target target) throws InterruptedException {
		if (target.isJvm()) {
			JitCompilers compilers = new JitCompilers(target.requireProcess()).awaitQuiet(Duration.ofSeconds(60));
			System.out.printf("%-10s %s, after the first events%n", target.column(), compilers.describe());
		}
	}

	/**
	 * The live heap of a JVM target: the total of the smallest of four heap histograms in
	 * a row, each after a full GC. A full GC of the serial collector (the one a JVM on
	 * one CPU uses) compacts the old generation completely only every fourth time
	 * ({@code -XX:MarkSweepAlwaysCompactCount=4}); the other times it leaves dead objects
	 * in place, as filler arrays, up to 5% of the old generation
	 * ({@code MarkSweepDeadRatio}: 35 MB in a 1 GB heap), and every reading of the heap
	 * counts them, that of {@code jstat} as well as a histogram's ({@code int[]}): the
	 * state of streams closed seconds before looked as if it stayed. {@code jstat} would
	 * also count the eden the application's threads took since the GC (a few MB), which a
	 * histogram, read in the GC's own pause, does not.
	 */
	private static LiveHeap liveHeap(TargetProcess process) throws Exception {
		LiveHeap smallest = null;
		for (int i = 0; i < 4; i++) {
			LiveHeap heap = new LiveHeap(process.liveHistogram());
			if (smallest == null || heap.bytes() < smallest.bytes()) {
				smallest = heap;
			}
		}
		return smallest;
	}

	/**
	 * A heap histogram as {@code jcmd GC.class_histogram} prints it.
	 */
	private record LiveHeap(String histogram) {

		/**
		 * @return the bytes of all live objects (the {@code Total} line)
		 */
		long bytes() {
			String[] lines = this.histogram.trim().split("\n");
			String[] total = lines[lines.length - 1].trim().split("\\s+");
			if (!total[0].equals("Total")) {
				throw new IllegalStateException("Not a heap histogram: " + lines[lines.length - 1]);
			}
			return Long.parseLong(total[2]);
		}

		/**
		 * @return the histogram's first lines
		 */
		String top(int lines) {
			String[] all = this.histogram.split("\n");
			return String.join("\n", Arrays.copyOf(all, Math.min(all.length, lines)));
		}

	}

	/**
	 * An async-profiler CPU profile ({@code itimer}) of a JVM target's opening of the
	 * streams only, when {@code -DopeningProfile=/path/prefix} names where to write it
	 * (and {@code -DprofilerLibrary} where {@code libasyncProfiler.so} is): collapsed
	 * stacks from the first stream's opening to the last one's headers
	 * ({@code prefix-column-headers.collapsed}) and to every stream's first event
	 * ({@code prefix-column-events.collapsed}, which includes the first file's samples).
	 */
	private record OpeningProfile(@Nullable TargetProcess process, String library, String prefix, String column) {

		static OpeningProfile start(Target target) throws Exception {
			String prefix = System.getProperty("openingProfile");
			String library = System.getProperty("profilerLibrary", "libasyncProfiler.so");
			if (prefix == null || !target.isJvm()) {
				return new OpeningProfile(null, library, "", target.column());
			}
			TargetProcess process = target.requireProcess();
			process.profiler(library, "start,event=itimer,interval=1ms,threads");
			return new OpeningProfile(process, library, prefix, target.column());
		}

		void dump(String phase) throws Exception {
			command("dump", phase);
		}

		void stop(String phase) throws Exception {
			command("stop", phase);
		}

		private void command(String action, String phase) throws Exception {
			TargetProcess process = this.process;
			if (process != null) {
				process.profiler(this.library,
						action + ",collapsed,file=" + this.prefix + "-" + this.column + "-" + phase + ".collapsed");
			}
		}

	}

	/**
	 * Open the streams as fast as the client can and wait for all their headers.
	 */
	private static void openAll(StreamClient.Streams streams, Target target, int count) throws InterruptedException {
		openAll(streams, target, count, STREAM);
	}

	private static void openAll(StreamClient.Streams streams, Target target, int count, String stream)
			throws InterruptedException {
		for (int i = 0; i < count; i++) {
			streams.open(target.streamUrl(stream));
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (streams.withHeaders() < count) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(target.column() + ": " + streams.withHeaders() + " of " + count
						+ " streams had their headers after 120 s");
			}
			Thread.sleep(20);
		}
	}

}
