package io.httpsentinel.resilience;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * What counting costs a call: the work {@code Call} adds to every call for
 * {@link PipelineStatistics} (the request counter at the start; at the end a clock read,
 * the outcome counter and the latency window), in ns per call. In this package to reach
 * the counting methods, which are the pipeline's own.
 * <ul>
 * <li>{@link #clockRead}: the pipeline's clock read alone, for comparison.</li>
 * <li>{@link #countCall}: one call counted, clock read included.</li>
 * </ul>
 * The counters are {@code LongAdder}s, which spread contended updates over cells; a
 * machine with a few cores cannot show contention costs, so only one thread runs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PipelineStatisticsBenchmark {

	private static final long TOTAL_NANOS = TimeUnit.MINUTES.toNanos(10);

	private final Scheduler timer = Schedulers.parallel();

	private final PipelineStatistics statistics = new PipelineStatistics(() -> this.timer.now(TimeUnit.NANOSECONDS),
			new RetryBudget(0.2, 3));

	private final long deadline = this.timer.now(TimeUnit.NANOSECONDS) + TOTAL_NANOS;

	@Benchmark
	public long clockRead() {
		return this.timer.now(TimeUnit.NANOSECONDS);
	}

	@Benchmark
	public void countCall() {
		count();
	}

	/**
	 * As {@code Call} counts a call that succeeds at its first attempt.
	 */
	private void count() {
		this.statistics.callStarted();
		long now = this.timer.now(TimeUnit.NANOSECONDS);
		this.statistics.callEnded(true, now, now - (this.deadline - TOTAL_NANOS));
	}

}
