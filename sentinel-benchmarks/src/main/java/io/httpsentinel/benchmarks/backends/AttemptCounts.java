package io.httpsentinel.benchmarks.backends;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import io.httpsentinel.resilience.AttemptEvent;
import io.httpsentinel.resilience.RetryListener;

/**
 * What {@link BackendsSimulation}'s client decided after its attempts, counted from its
 * {@link RetryListener} events: the retries it made, and why it gave up on the calls that
 * did not end in success (e.g. {@code budget-exhausted}: the retry budget refused the
 * retry).
 */
final class AttemptCounts implements RetryListener {

	private final AtomicLong retries = new AtomicLong();

	/** Reasons of the calls given up after a failed attempt; guarded by itself. */
	private final Map<String, Long> gaveUp = new TreeMap<>();

	@Override
	public void onAttempt(AttemptEvent event) {
		if (event.decision().retry()) {
			this.retries.incrementAndGet();
		}
		else if (event.status() == null || event.status() >= 400) {
			synchronized (this.gaveUp) {
				this.gaveUp.merge(event.decision().reason(), 1L, Long::sum);
			}
		}
	}

	/** Count from zero again. */
	void reset() {
		this.retries.set(0);
		synchronized (this.gaveUp) {
			this.gaveUp.clear();
		}
	}

	long retries() {
		return this.retries.get();
	}

	Map<String, Long> gaveUp() {
		synchronized (this.gaveUp) {
			return new TreeMap<>(this.gaveUp);
		}
	}

}
