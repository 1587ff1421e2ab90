package io.httpsentinel.benchmarks.whole;

import java.time.Duration;
import java.util.Locale;

/**
 * Whether a JVM target is warm: its JIT compiler threads' CPU ({@code C1/C2
 * CompilerThread*}, from {@code /proc}, see {@link TargetProcess#compilerCpuNanos}), read
 * in windows while it is under load. The compilers count as done when two windows in a
 * row each took less than 1% of a core: C2 works in bursts (one large method takes tens
 * to hundreds of ms), so one quiet window alone may fall between two of them, and on the
 * one core a target has, every burst is taken from the load being measured; 1% of a core
 * is then at most 1% off a window's figures.
 */
final class JitCompilers {

	/**
	 * The share of a core below which a window counts as quiet.
	 */
	static final double QUIET = 0.01;

	private final TargetProcess process;

	private final long startNanos = System.nanoTime();

	private final long startCpu;

	private long windowNanos;

	private long windowCpu;

	private double lastShare = Double.NaN;

	private int quietWindows;

	JitCompilers(TargetProcess process) {
		this.process = process;
		this.startCpu = process.compilerCpuNanos();
		startWindow();
	}

	/**
	 * Start a window: the load it is under runs from now until {@link #endWindow()}.
	 */
	void startWindow() {
		this.windowNanos = System.nanoTime();
		this.windowCpu = this.process.compilerCpuNanos();
	}

	/**
	 * End a window.
	 * @return whether the compilers have now been quiet for two windows in a row
	 */
	boolean endWindow() {
		long elapsed = System.nanoTime() - this.windowNanos;
		this.lastShare = (this.process.compilerCpuNanos() - this.windowCpu) / (double) Math.max(1, elapsed);
		this.quietWindows = (this.lastShare < QUIET) ? this.quietWindows + 1 : 0;
		return quiet();
	}

	boolean quiet() {
		return this.quietWindows >= 2;
	}

	/**
	 * @return what the compilers did since this object was made, as in
	 * {@code "JIT compilers used 4.20 s of CPU in 63 s, 0.3% of a core in the last window"}
	 */
	String describe() {
		return String.format(Locale.ROOT,
				"JIT compilers used %.2f s of CPU in %.0f s, %.1f%% of a core in the last" + " window%s",
				(this.process.compilerCpuNanos() - this.startCpu) / 1e9, (System.nanoTime() - this.startNanos) / 1e9,
				this.lastShare * 100, quiet() ? "" : " (not yet quiet)");
	}

	/**
	 * Wait, under whatever load runs meanwhile, until the compilers have been quiet for
	 * two windows of 2 s in a row, at most {@code max}.
	 * @return this, to {@link #describe()} what it took
	 */
	JitCompilers awaitQuiet(Duration max) throws InterruptedException {
		long deadline = System.nanoTime() + max.toNanos();
		while (!quiet() && System.nanoTime() < deadline) {
			startWindow();
			Thread.sleep(2000);
			endWindow();
		}
		return this;
	}

}
