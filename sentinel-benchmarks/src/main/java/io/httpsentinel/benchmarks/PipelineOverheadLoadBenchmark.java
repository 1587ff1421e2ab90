package io.httpsentinel.benchmarks;

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
		PairedLoad.Schedule schedule = PairedLoad.Schedule.parse(args, 4, 20, 12, 3);
		ExecutorService pool = Executors.newFixedThreadPool(schedule.threads());
		try (PipelineFixture fixture = new PipelineFixture()) {
			WebClient plain = fixture.plainWebClient();
			WebClient sentinel = fixture.sentinelWebClient();
			System.out.println(schedule);
			new PairedLoad(pool, schedule)
				.measure(() -> PipelineFixture.call(plain), () -> PipelineFixture.call(sentinel))
				.summarize("WebClient", 0.05, 0.05);
			System.out.println("Sentinel client after the run: " + fixture.sentinelState());
		}
		finally {
			pool.shutdownNow();
		}
	}

}
