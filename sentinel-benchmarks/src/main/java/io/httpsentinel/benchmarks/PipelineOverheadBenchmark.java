package io.httpsentinel.benchmarks;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.SentinelClient;

/**
 * Cost of Sentinel's exchange pipeline on the request path: the same small GET (64-byte
 * response) to a server on the loopback interface, sent by a plain {@link WebClient} and
 * by a {@link SentinelClient}'s on the same transport ({@link PipelineFixture}), with no
 * faults.
 * <ul>
 * <li>{@link #plainWebClient} / {@link #sentinelPipeline}: throughput, requests/s; the
 * overhead is {@code 1 - sentinelPipeline / plainWebClient} (target: at most 5%).</li>
 * <li>{@link #plainWebClientLatency} / {@link #sentinelPipelineLatency}: the same calls
 * in sample-time mode, whose percentiles ({@code p0.99}) are the per-request latency
 * under the same load, in microseconds.</li>
 * </ul>
 * Each benchmark runs in a fresh JVM with a server and clients of its own, one after the
 * other, so drift on a busy machine shows up as overhead;
 * {@link PipelineOverheadLoadBenchmark} alternates the two in one JVM and is the steadier
 * comparison.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// The reactive stack needs ~15 s of load on 2 cores before its throughput settles.
@Warmup(iterations = 6, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(4)
@State(Scope.Benchmark)
public class PipelineOverheadBenchmark {

	private PipelineFixture fixture;

	private WebClient sentinelWebClient;

	private WebClient plainWebClient;

	@Setup(Level.Trial)
	public void startServerAndClients() {
		this.fixture = new PipelineFixture();
		this.sentinelWebClient = this.fixture.sentinelWebClient();
		this.plainWebClient = this.fixture.plainWebClient();
	}

	@TearDown(Level.Trial)
	public void stopServerAndClients(BenchmarkParams benchmark) {
		String name = benchmark.getBenchmark().substring(benchmark.getBenchmark().lastIndexOf('.') + 1);
		System.out.printf(Locale.ROOT, "%n[%s] Sentinel client after the trial: %s%n", name,
				this.fixture.sentinelState());
		this.fixture.close();
	}

	@Benchmark
	public String plainWebClient() {
		return PipelineFixture.call(this.plainWebClient);
	}

	@Benchmark
	public String sentinelPipeline() {
		return PipelineFixture.call(this.sentinelWebClient);
	}

	@Benchmark
	@BenchmarkMode(Mode.SampleTime)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public String plainWebClientLatency() {
		return PipelineFixture.call(this.plainWebClient);
	}

	@Benchmark
	@BenchmarkMode(Mode.SampleTime)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public String sentinelPipelineLatency() {
		return PipelineFixture.call(this.sentinelWebClient);
	}

}
