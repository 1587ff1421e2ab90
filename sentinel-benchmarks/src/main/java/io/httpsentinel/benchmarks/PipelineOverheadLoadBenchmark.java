package io.httpsentinel.benchmarks;

import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
 * per-round ratios: drift hits both sides of a ratio alike ({@link PairedLoad}).
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

	private PipelineOverheadLoadBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int threads = PairedLoad.intArg(args, 0, 4);
		int warmupSeconds = PairedLoad.intArg(args, 1, 20);
		int rounds = PairedLoad.intArg(args, 2, 12);
		int phaseSeconds = PairedLoad.intArg(args, 3, 3);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try (PipelineFixture fixture = new PipelineFixture()) {
			WebClient plain = fixture.plainWebClient();
			WebClient sentinel = fixture.sentinelWebClient();
			System.out.printf(Locale.ROOT, "%d threads, warmup %d s, %d rounds of 2 x %d s%n", threads, warmupSeconds,
					rounds, phaseSeconds);
			PairedLoad load = new PairedLoad(pool, threads);
			Runnable plainCall = () -> PipelineFixture.call(plain);
			Runnable sentinelCall = () -> PipelineFixture.call(sentinel);
			load.warmUp(plainCall, sentinelCall, warmupSeconds);
			load.run(plainCall, sentinelCall, rounds, phaseSeconds).summarize("WebClient", 0.05, 0.05);
			System.out.println("Sentinel client after the run: " + fixture.sentinelState());
		}
		finally {
			pool.shutdownNow();
		}
	}

}
