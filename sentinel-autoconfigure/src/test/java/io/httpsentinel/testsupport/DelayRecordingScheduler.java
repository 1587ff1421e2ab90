package io.httpsentinel.testsupport;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A {@link VirtualTimeScheduler} that reports every delayed task it is given, so that a
 * test can wait (in real time, for real network events) until the code under test has
 * chosen a delay, check it, and then move virtual time by exactly that much.
 */
public final class DelayRecordingScheduler implements Scheduler {

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final BlockingQueue<Duration> delays = new LinkedBlockingQueue<>();

	/**
	 * The next delay scheduled, waiting for it at most the given real time.
	 * @param timeout how long to wait
	 * @return the delay, or {@code null} if none was scheduled in time
	 * @throws InterruptedException if interrupted
	 */
	public @Nullable Duration nextDelay(Duration timeout) throws InterruptedException {
		return this.delays.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Delays scheduled and not yet taken with {@link #nextDelay}.
	 * @return the number of delays
	 */
	public int pendingDelays() {
		return this.delays.size();
	}

	/**
	 * Move virtual time forward, running what falls due on this thread.
	 * @param duration how far
	 */
	public void advanceTimeBy(Duration duration) {
		this.time.advanceTimeBy(duration);
	}

	@Override
	public Disposable schedule(Runnable task) {
		return this.time.schedule(task);
	}

	@Override
	public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
		Disposable scheduled = this.time.schedule(task, delay, unit);
		// Reported once it is due to run, so that advancing time right away runs it.
		this.delays.add(Duration.ofNanos(unit.toNanos(delay)));
		return scheduled;
	}

	@Override
	public long now(TimeUnit unit) {
		return this.time.now(unit);
	}

	@Override
	public Worker createWorker() {
		return this.time.createWorker();
	}

	@Override
	public void dispose() {
		this.time.dispose();
	}

}
