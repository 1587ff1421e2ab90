package io.httpsentinel.sse.proxy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Bounds how long one Spring MVC stream's blocking servlet writes may hold their thread.
 * A write that has not returned after the slow-client timeout (the client stopped reading
 * and the socket buffers are full) stalls the stream, which then closes the connection
 * and {@link #release() interrupts} the write; the interrupt is delivered only while a
 * write is in progress, and cleared before the writing task ends, so that it never
 * reaches the executor's next task. Per write it costs a clock read and two volatile
 * writes; a timer runs at most once per timeout while the stream writes.
 */
final class BlockingWriteGuard {

	private final long timeoutNanos;

	private final Runnable onStall;

	private final Scheduler timer;

	private final AtomicBoolean armed = new AtomicBoolean();

	/** When the write in progress started ({@link System#nanoTime()}), 0 when none. */
	private volatile long writeStarted;

	private volatile @Nullable Disposable pending;

	/** Guarded by this. */
	private @Nullable Thread writer;

	/** Guarded by this. */
	private boolean interrupted;

	/** Guarded by this. */
	private boolean released;

	/**
	 * A guard of one stream's writes.
	 * @param timeoutNanos the longest a write may take
	 * @param onStall told once a write took longer
	 * @param timer where the check runs
	 */
	BlockingWriteGuard(long timeoutNanos, Runnable onStall, Scheduler timer) {
		this.timeoutNanos = timeoutNanos;
		this.onStall = onStall;
		this.timer = timer;
	}

	/**
	 * A write starts on this thread.
	 * @return {@code false} if the stream was released: do not write
	 */
	boolean begin() {
		synchronized (this) {
			if (this.released) {
				return false;
			}
			this.writer = Thread.currentThread();
		}
		long now = System.nanoTime();
		this.writeStarted = (now != 0) ? now : 1;
		if (!this.armed.get() && this.armed.compareAndSet(false, true)) {
			schedule(this.timeoutNanos);
		}
		return true;
	}

	/**
	 * The write on this thread returned (or failed).
	 */
	void end() {
		this.writeStarted = 0;
		synchronized (this) {
			this.writer = null;
			if (this.interrupted) {
				this.interrupted = false;
				// Ours: it must not reach the executor's next task.
				Thread.interrupted();
			}
		}
	}

	/**
	 * The stream is over: no more writes, no more checks.
	 */
	void stop() {
		synchronized (this) {
			this.released = true;
		}
		Disposable timer = this.pending;
		if (timer != null) {
			timer.dispose();
		}
	}

	/**
	 * The stream was dropped: interrupt a write in progress (call it after the connection
	 * was closed, so that the write fails instead of waiting again).
	 */
	void release() {
		stop();
		synchronized (this) {
			Thread current = this.writer;
			if (current != null && !this.interrupted) {
				this.interrupted = true;
				current.interrupt();
			}
		}
	}

	private void schedule(long delayNanos) {
		this.pending = this.timer.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
	}

	private void check() {
		long started = this.writeStarted;
		if (started != 0) {
			long waited = System.nanoTime() - started;
			if (waited >= this.timeoutNanos) {
				this.onStall.run();
			}
			else {
				schedule(this.timeoutNanos - waited);
			}
			return;
		}
		this.armed.set(false);
		// A write that started as the timer was disarmed saw it armed: arm it for it.
		if (this.writeStarted != 0 && this.armed.compareAndSet(false, true)) {
			schedule(this.timeoutNanos);
		}
	}

}
