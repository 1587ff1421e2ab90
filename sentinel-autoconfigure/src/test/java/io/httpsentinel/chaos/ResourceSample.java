package io.httpsentinel.chaos;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The resources a long run could leak, measured at one moment: live heap after a full
 * garbage collection, open file descriptors, and live threads.
 *
 * @param calls the calls made when the sample was taken
 * @param heapBytes heap in use after a full collection
 * @param fileDescriptors open file descriptors of the JVM ({@code /proc/self/fd})
 * @param threads live threads
 */
record ResourceSample(long calls, long heapBytes, int fileDescriptors, int threads) {

	private static final int MAX_GC_ROUNDS = 8;

	/** Two collections in a row closer than this: the heap is what is live. */
	private static final double STABLE = 0.01;

	/**
	 * Take a sample.
	 * @param calls the calls made so far
	 * @return the sample
	 */
	static ResourceSample take(long calls) {
		return new ResourceSample(calls, liveHeap(), openFileDescriptors(),
				ManagementFactory.getThreadMXBean().getThreadCount());
	}

	/**
	 * Heap in use after collecting until two collections in a row agree within 1%
	 * (objects with finalizers or cleaners may need more than one).
	 */
	private static long liveHeap() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long previous = Long.MAX_VALUE;
		long used = 0;
		for (int round = 0; round < MAX_GC_ROUNDS; round++) {
			System.gc();
			used = memory.getHeapMemoryUsage().getUsed();
			if (Math.abs(previous - used) <= used * STABLE) {
				break;
			}
			previous = used;
		}
		return used;
	}

	private static int openFileDescriptors() {
		String[] open = new File("/proc/self/fd").list();
		return (open != null) ? open.length : -1;
	}

	/**
	 * Whether this later sample grew by more than a share of an earlier one, beyond an
	 * absolute floor for noise.
	 * @param earlier the earlier value
	 * @param later the later value
	 * @param share the growth allowed, e.g. {@code 0.05}
	 * @param floor growth always allowed
	 * @return whether it grew too much
	 */
	static boolean grewBeyond(long earlier, long later, double share, long floor) {
		return later - earlier > Math.max(earlier * share, floor);
	}

	@Override
	public String toString() {
		return this.calls + ":" + this.heapBytes / (1024 * 1024) + "MB/" + this.fileDescriptors + "fd/" + this.threads
				+ "t";
	}

}
