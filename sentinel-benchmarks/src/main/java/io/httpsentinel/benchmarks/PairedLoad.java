package io.httpsentinel.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;

/**
 * Measures a plain call against the same call through Sentinel in <em>alternating</em>
 * phases in one JVM: each round measures both, plain then Sentinel on even rounds and
 * Sentinel then plain on odd ones (ABBA), and the result is the distribution of the
 * per-round ratios, so that drift of the machine (another process, the JIT, the heap)
 * hits both sides of a ratio alike.
 * <p>
 * A phase runs {@code threads} callers, each making the call in a loop for the phase's
 * duration, and records throughput, p50 and p99 of the call's latency, the CPU time the
 * whole process spent per call (on a machine that the benchmark saturates, throughput is
 * the inverse of that cost, and the cost moves little when other processes compete for
 * the cores), and the bytes all its threads allocated per call (virtual threads'
 * allocations count on their carriers): the one figure that a busy machine does not
 * disturb.
 */
final class PairedLoad {

	private static final OperatingSystemMXBean CPU = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

	private final ExecutorService callers;

	private final Schedule schedule;

	/**
	 * @param callers runs the callers: a fixed pool of platform threads, or a virtual
	 * thread per task
	 * @param schedule how many callers, how long
	 */
	PairedLoad(ExecutorService callers, Schedule schedule) {
		this.callers = callers;
		this.schedule = schedule;
	}

	/**
	 * Warm up, alternating between the two calls in 1-second phases, then run the rounds,
	 * printing a line per round.
	 * @return the per-round ratios
	 */
	Result measure(Runnable plain, Runnable sentinel) throws Exception {
		for (int second = 0; second < this.schedule.warmupSeconds(); second += 2) {
			phase(plain, 1);
			phase(sentinel, 1);
		}
		int rounds = this.schedule.rounds();
		int phaseSeconds = this.schedule.phaseSeconds();
		Result result = new Result(rounds);
		System.out.println("round      plain/s   sentinel/s   ratio   p50 plain/sentinel µs   p99 plain/sentinel µs"
				+ "   CPU plain/sentinel µs   alloc plain/sentinel B");
		for (int round = 0; round < rounds; round++) {
			Phase plainPhase;
			Phase sentinelPhase;
			if (round % 2 == 0) {
				plainPhase = phase(plain, phaseSeconds);
				sentinelPhase = phase(sentinel, phaseSeconds);
			}
			else {
				sentinelPhase = phase(sentinel, phaseSeconds);
				plainPhase = phase(plain, phaseSeconds);
			}
			result.add(round, plainPhase, sentinelPhase);
			System.out.printf(Locale.ROOT,
					"%5d %12.0f %12.0f %7.3f %11d / %-9d %11d / %-9d %11.1f / %-9.1f %10.0f / %.0f%n", round + 1,
					plainPhase.perSecond(), sentinelPhase.perSecond(), result.throughput[round], plainPhase.p50Micros(),
					sentinelPhase.p50Micros(), plainPhase.p99Micros(), sentinelPhase.p99Micros(),
					plainPhase.cpuMicrosPerCall(), sentinelPhase.cpuMicrosPerCall(), plainPhase.bytesPerCall(),
					sentinelPhase.bytesPerCall());
		}
		return result;
	}

	private Phase phase(Runnable call, int seconds) throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<Future<long[]>> workers = new ArrayList<>();
		long[] end = new long[1];
		for (int i = 0; i < this.schedule.threads(); i++) {
			workers.add(this.callers.submit(() -> {
				start.await();
				long[] latencies = new long[1 << 16];
				int count = 0;
				long now = System.nanoTime();
				while (now < end[0]) {
					call.run();
					long done = System.nanoTime();
					if (count == latencies.length) {
						latencies = Arrays.copyOf(latencies, count * 2);
					}
					latencies[count++] = done - now;
					now = done;
				}
				return Arrays.copyOf(latencies, count);
			}));
		}
		long began = System.nanoTime();
		long cpuBefore = CPU.getProcessCpuTime();
		long allocatedBefore = allocatedBytes();
		end[0] = began + seconds * 1_000_000_000L;
		start.countDown();
		List<long[]> all = new ArrayList<>();
		for (Future<long[]> worker : workers) {
			all.add(worker.get());
		}
		long elapsed = System.nanoTime() - began;
		long cpu = CPU.getProcessCpuTime() - cpuBefore;
		long allocated = allocatedBytes() - allocatedBefore;
		long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
		return new Phase(merged.length * 1e9 / elapsed, merged[merged.length / 2] / 1000,
				merged[(int) (merged.length * 0.99)] / 1000, cpu / 1000.0 / merged.length,
				(double) allocated / merged.length);
	}

	/**
	 * Bytes allocated so far by the live threads (callers, event loops, server): the
	 * difference over a phase counts both sides' own arrays of latencies alike.
	 */
	private static long allocatedBytes() {
		long sum = 0;
		for (long bytes : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
			sum += Math.max(0, bytes);
		}
		return sum;
	}

	static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	/**
	 * How many callers, and how long: the command line's
	 * {@code [threads] [warmup-s] [rounds] [phase-s]}.
	 */
	record Schedule(int threads, int warmupSeconds, int rounds, int phaseSeconds) {

		static Schedule parse(String[] args, int threads, int warmupSeconds, int rounds, int phaseSeconds) {
			return new Schedule(intArg(args, 0, threads), intArg(args, 1, warmupSeconds), intArg(args, 2, rounds),
					intArg(args, 3, phaseSeconds));
		}

		private static int intArg(String[] args, int index, int defaultValue) {
			return (args.length > index) ? Integer.parseInt(args[index]) : defaultValue;
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "%d threads, warmup %d s, %d rounds of 2 x %d s", this.threads,
					this.warmupSeconds, this.rounds, this.phaseSeconds);
		}

	}

	/**
	 * One phase: calls per second, p50 and p99 latency, process CPU time and bytes
	 * allocated per call.
	 */
	record Phase(double perSecond, long p50Micros, long p99Micros, double cpuMicrosPerCall, double bytesPerCall) {
	}

	/**
	 * The per-round ratios Sentinel / plain.
	 */
	static final class Result {

		final double[] throughput;

		final double[] p50;

		final double[] p99;

		final double[] cpu;

		final double[] plainBytes;

		final double[] sentinelBytes;

		private double plainTotal;

		private double sentinelTotal;

		private Result(int rounds) {
			this.throughput = new double[rounds];
			this.p50 = new double[rounds];
			this.p99 = new double[rounds];
			this.cpu = new double[rounds];
			this.plainBytes = new double[rounds];
			this.sentinelBytes = new double[rounds];
		}

		private void add(int round, Phase plain, Phase sentinel) {
			this.throughput[round] = sentinel.perSecond() / plain.perSecond();
			this.p50[round] = (double) sentinel.p50Micros() / plain.p50Micros();
			this.p99[round] = (double) sentinel.p99Micros() / plain.p99Micros();
			this.cpu[round] = sentinel.cpuMicrosPerCall() / plain.cpuMicrosPerCall();
			this.plainBytes[round] = plain.bytesPerCall();
			this.sentinelBytes[round] = sentinel.bytesPerCall();
			this.plainTotal += plain.perSecond();
			this.sentinelTotal += sentinel.perSecond();
		}

		/**
		 * Print the medians of the ratios, and one line per target: throughput at most
		 * {@code maxThroughputLoss} lower, p99 at most {@code maxP99Increase} higher
		 * (medians of the rounds' ratios).
		 * @param label what was compared, at the start of each target line
		 */
		void summarize(String label, double maxThroughputLoss, double maxP99Increase) {
			int rounds = this.throughput.length;
			double mean = Arrays.stream(this.throughput).average().orElseThrow();
			double sd = Math.sqrt(
					Arrays.stream(this.throughput).map((r) -> (r - mean) * (r - mean)).sum() / Math.max(1, rounds - 1));
			double halfWidth = 2.2 * sd / Math.sqrt(rounds);
			double throughput = median(this.throughput);
			double p99 = median(this.p99);
			System.out.printf(Locale.ROOT,
					"%nthroughput: Sentinel / plain = %.3f median, %.3f ± %.3f mean (≈95%%), %.3f over all rounds"
							+ " -> overhead %.1f%% (median)%n",
					throughput, mean, halfWidth, this.sentinelTotal / this.plainTotal, (1 - throughput) * 100);
			System.out.printf(Locale.ROOT, "p50: Sentinel / plain = %.3f median; p99: Sentinel / plain = %.3f median%n",
					median(this.p50), p99);
			System.out.printf(Locale.ROOT,
					"process CPU per request: Sentinel / plain = %.3f median -> %.1f%% more CPU per request%n",
					median(this.cpu), (median(this.cpu) - 1) * 100);
			double plainBytes = median(this.plainBytes);
			double sentinelBytes = median(this.sentinelBytes);
			System.out.printf(Locale.ROOT,
					"allocation per request: plain %.0f B, Sentinel %.0f B (medians) -> Sentinel allocates %+.0f B"
							+ " (%+.1f%%)%n",
					plainBytes, sentinelBytes, sentinelBytes - plainBytes, (sentinelBytes / plainBytes - 1) * 100);
			target(label + " throughput", throughput, 1 - maxThroughputLoss, true,
					String.format(Locale.ROOT, "%.1f%% lower", (1 - throughput) * 100),
					String.format(Locale.ROOT, "<= %.0f%% lower", maxThroughputLoss * 100));
			target(label + " p99", p99, 1 + maxP99Increase, false,
					String.format(Locale.ROOT, "%+.1f%%", (p99 - 1) * 100),
					String.format(Locale.ROOT, "<= %.0f%% higher", maxP99Increase * 100));
		}

		private static void target(String name, double ratio, double limit, boolean atLeast, String change,
				String target) {
			boolean met = atLeast ? ratio >= limit : ratio <= limit;
			System.out.printf(Locale.ROOT, "TARGET %s: Sentinel / plain = %.3f (%s; target %s): %s%n", name, ratio,
					change, target, met ? "MET" : "MISSED");
		}

	}

}
