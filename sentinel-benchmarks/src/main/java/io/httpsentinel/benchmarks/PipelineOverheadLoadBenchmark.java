package io.httpsentinel.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.sun.management.OperatingSystemMXBean;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Throughput and p99 of a plain {@link WebClient} against the Sentinel pipeline, measured
 * in <em>alternating</em> phases in one JVM, on one server and one connection pool
 * ({@link PipelineFixture}).
 * <p>
 * A JMH run measures its benchmarks one after the other, so anything that changes on the
 * machine between them (another process, the JIT, the heap) shows up as a difference
 * between the two. Here each round measures both, in the order plain-Sentinel on even
 * rounds and Sentinel-plain on odd ones, and the result is the distribution of the
 * per-round ratios: drift hits both sides of a ratio alike.
 * <p>
 * Each phase also records the CPU time the whole process (server, client, load threads)
 * spent per request. On a machine where the benchmark itself uses every core, throughput
 * is the inverse of that cost, and the cost barely moves when other processes compete for
 * the cores, so its ratio is the steadier estimate of the overhead.
 * <p>
 * Run with {@code java -cp sentinel-benchmarks/target/benchmarks.jar
 * io.httpsentinel.benchmarks.PipelineOverheadLoadBenchmark [threads] [warmup-s] [rounds]
 * [phase-s]} (defaults 4, 20, 12, 3).
 */
public final class PipelineOverheadLoadBenchmark {

	private static final OperatingSystemMXBean CPU = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private PipelineOverheadLoadBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int threads = intArg(args, 0, 4);
		int warmupSeconds = intArg(args, 1, 20);
		int rounds = intArg(args, 2, 12);
		int phaseSeconds = intArg(args, 3, 3);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try (PipelineFixture fixture = new PipelineFixture()) {
			WebClient plain = fixture.plainWebClient();
			WebClient sentinel = fixture.sentinelWebClient();
			System.out.printf(Locale.ROOT, "%d threads, warmup %d s, %d rounds of 2 x %d s%n", threads, warmupSeconds,
					rounds, phaseSeconds);
			for (int second = 0; second < warmupSeconds; second += 2) {
				phase(pool, threads, (second % 4 == 0) ? plain : sentinel, 1);
			}
			double[] ratios = new double[rounds];
			double[] p99Ratios = new double[rounds];
			double[] cpuRatios = new double[rounds];
			double plainTotal = 0;
			double sentinelTotal = 0;
			System.out.println(
					"round      plain/s   sentinel/s   ratio   p99 plain µs  p99 sentinel µs  CPU plain µs  CPU sentinel µs");
			for (int round = 0; round < rounds; round++) {
				Phase plainPhase;
				Phase sentinelPhase;
				if (round % 2 == 0) {
					plainPhase = phase(pool, threads, plain, phaseSeconds);
					sentinelPhase = phase(pool, threads, sentinel, phaseSeconds);
				}
				else {
					sentinelPhase = phase(pool, threads, sentinel, phaseSeconds);
					plainPhase = phase(pool, threads, plain, phaseSeconds);
				}
				ratios[round] = sentinelPhase.perSecond() / plainPhase.perSecond();
				p99Ratios[round] = (double) sentinelPhase.p99Micros() / plainPhase.p99Micros();
				cpuRatios[round] = sentinelPhase.cpuMicrosPerCall() / plainPhase.cpuMicrosPerCall();
				plainTotal += plainPhase.perSecond();
				sentinelTotal += sentinelPhase.perSecond();
				System.out.printf(Locale.ROOT, "%5d %12.0f %12.0f %7.3f %14d %16d %13.1f %16.1f%n", round + 1,
						plainPhase.perSecond(), sentinelPhase.perSecond(), ratios[round], plainPhase.p99Micros(),
						sentinelPhase.p99Micros(), plainPhase.cpuMicrosPerCall(), sentinelPhase.cpuMicrosPerCall());
			}
			double mean = Arrays.stream(ratios).average().orElseThrow();
			double sd = Math.sqrt(Arrays.stream(ratios).map((r) -> (r - mean) * (r - mean)).sum() / (rounds - 1));
			double halfWidth = 2.2 * sd / Math.sqrt(rounds);
			System.out.printf(Locale.ROOT,
					"%nthroughput: Sentinel / plain = %.3f median, %.3f ± %.3f mean (≈95%%), %.3f over all rounds"
							+ " -> overhead %.1f%% (median)%n",
					median(ratios), mean, halfWidth, sentinelTotal / plainTotal, (1 - median(ratios)) * 100);
			System.out.printf(Locale.ROOT, "p99: Sentinel / plain = %.3f median%n", median(p99Ratios));
			System.out.printf(Locale.ROOT,
					"process CPU per request: Sentinel / plain = %.3f median -> %.1f%% more CPU per request%n",
					median(cpuRatios), (median(cpuRatios) - 1) * 100);
			System.out.println("Sentinel client after the run: " + fixture.sentinelState());
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static Phase phase(ExecutorService pool, int threads, WebClient client, int seconds) throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<Future<long[]>> workers = new ArrayList<>();
		long[] end = new long[1];
		for (int i = 0; i < threads; i++) {
			workers.add(pool.submit(() -> {
				start.await();
				long[] latencies = new long[1 << 16];
				int count = 0;
				long now = System.nanoTime();
				while (now < end[0]) {
					PipelineFixture.call(client);
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
		end[0] = began + seconds * 1_000_000_000L;
		start.countDown();
		List<long[]> all = new ArrayList<>();
		for (Future<long[]> worker : workers) {
			all.add(worker.get());
		}
		long elapsed = System.nanoTime() - began;
		long cpu = CPU.getProcessCpuTime() - cpuBefore;
		long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
		return new Phase(merged.length * 1e9 / elapsed, merged[(int) (merged.length * 0.99)] / 1000,
				cpu / 1000.0 / merged.length);
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private static int intArg(String[] args, int index, int defaultValue) {
		return (args.length > index) ? Integer.parseInt(args[index]) : defaultValue;
	}

	private record Phase(double perSecond, long p99Micros, double cpuMicrosPerCall) {
	}

}
