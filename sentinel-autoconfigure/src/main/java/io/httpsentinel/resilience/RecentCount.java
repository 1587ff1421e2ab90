package io.httpsentinel.resilience;

import java.util.Arrays;

/**
 * A count of events over the last window, kept in {@value #BUCKETS} buckets of a window's
 * 1/{@value #BUCKETS}th each: bounded memory whatever the rate, and off by at most one
 * bucket's events at the window's far edge (counted in while the bucket starts within the
 * window). The window may change between calls; buckets already filled keep their start.
 * Not thread-safe: its owner holds a lock.
 */
final class RecentCount {

	static final int BUCKETS = 64;

	private final long[] starts = new long[BUCKETS];

	private final int[] counts = new int[BUCKETS];

	/** The bucket events are added to. */
	private int current;

	RecentCount() {
		Arrays.fill(this.starts, Long.MIN_VALUE);
	}

	/**
	 * Count one event.
	 * @param nowNanos when it happened, in nanoseconds on any steady time line
	 * @param windowNanos the window (more than 0)
	 */
	void add(long nowNanos, long windowNanos) {
		long start = this.starts[this.current];
		if (start == Long.MIN_VALUE || nowNanos - start >= Math.max(1, windowNanos / BUCKETS)) {
			this.current = (this.current + 1) % BUCKETS;
			this.starts[this.current] = nowNanos;
			this.counts[this.current] = 0;
		}
		this.counts[this.current]++;
	}

	/**
	 * The events in the window before now.
	 * @param nowNanos now, on the time line of {@link #add}
	 * @param windowNanos the window
	 * @return the count
	 */
	long count(long nowNanos, long windowNanos) {
		long count = 0;
		for (int i = 0; i < BUCKETS; i++) {
			long start = this.starts[i];
			if (start != Long.MIN_VALUE && nowNanos - start < windowNanos) {
				count += this.counts[i];
			}
		}
		return count;
	}

}
