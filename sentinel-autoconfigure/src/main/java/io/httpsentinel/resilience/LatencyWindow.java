package io.httpsentinel.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

import io.httpsentinel.resilience.PipelineStatistics.Latency;

/**
 * Call latencies of a recent window: a ring of time slices, each holding a count, a sum
 * and a maximum. Recording takes no lock and allocates nothing; a slice is cleared when
 * the ring comes round to it again, so the window covers between {@code window - slice}
 * and {@code window} of the past.
 * <p>
 * Approximate at slice boundaries, as monitoring may be: a sample recorded while another
 * thread clears its slice may be lost, and one recorded by a thread that read the time
 * just before the boundary may land in the next slice. Time is passed in, in the
 * nanoseconds of the caller's clock, so the window follows virtual time in tests.
 */
final class LatencyWindow {

	private final Duration window;

	private final long sliceNanos;

	private final Slice[] slices;

	/**
	 * Create a window.
	 * @param window how far back it reaches
	 * @param sliceCount slices it is cut into; more means a sharper edge, at the cost of
	 * more counters to sum when reading
	 */
	LatencyWindow(Duration window, int sliceCount) {
		this.window = window;
		this.sliceNanos = window.toNanos() / sliceCount;
		this.slices = new Slice[sliceCount];
		for (int i = 0; i < sliceCount; i++) {
			this.slices[i] = new Slice();
		}
	}

	/**
	 * Record one latency.
	 * @param nowNanos the current time
	 * @param latencyNanos the latency
	 */
	void record(long nowNanos, long latencyNanos) {
		long index = Math.floorDiv(nowNanos, this.sliceNanos);
		Slice slice = this.slices[(int) Math.floorMod(index, this.slices.length)];
		slice.moveTo(index);
		slice.count.increment();
		slice.totalNanos.add(latencyNanos);
		slice.maxNanos.accumulate(latencyNanos);
	}

	/**
	 * Summarize the slices still inside the window.
	 * @param nowNanos the current time
	 * @return count, mean and maximum of the window
	 */
	Latency summary(long nowNanos) {
		long current = Math.floorDiv(nowNanos, this.sliceNanos);
		long count = 0;
		long total = 0;
		long max = 0;
		for (Slice slice : this.slices) {
			long index = slice.index.get();
			if (index > current - this.slices.length && index <= current) {
				count += slice.count.sum();
				total += slice.totalNanos.sum();
				max = Math.max(max, slice.maxNanos.get());
			}
		}
		Duration mean = (count > 0) ? Duration.ofNanos(total / count) : Duration.ZERO;
		return new Latency(this.window, count, mean, Duration.ofNanos(max));
	}

	private static final class Slice {

		/** Which slice of time this is, or MIN_VALUE before the first sample. */
		final AtomicLong index = new AtomicLong(Long.MIN_VALUE);

		final LongAdder count = new LongAdder();

		final LongAdder totalNanos = new LongAdder();

		final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);

		void moveTo(long newIndex) {
			long seen = this.index.get();
			// Only the one thread that wins the move clears the old figures.
			if (seen < newIndex && this.index.compareAndSet(seen, newIndex)) {
				this.count.reset();
				this.totalNanos.reset();
				this.maxNanos.reset();
			}
		}

	}

}
