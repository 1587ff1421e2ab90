package io.httpsentinel.chaos;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.httpsentinel.SentinelException;

/**
 * What the calls of a chaos run ended with: successes, failures by type (with the cause
 * for Spring's transport wrapper, e.g.
 * {@code WebClientRequestException(PrematureCloseException)}), and the longest call.
 * Thread-safe.
 */
final class CallOutcomes {

	private final LongAdder successes = new LongAdder();

	private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

	private final Map<String, Throwable> examples = new ConcurrentHashMap<>();

	private final AtomicLong longestNanos = new AtomicLong();

	private volatile String longestOutcome = "none";

	void succeeded(long startNanos) {
		this.successes.increment();
		ended(startNanos, "success");
	}

	void failed(long startNanos, Throwable error) {
		String type = typeOf(error);
		this.failures.computeIfAbsent(type, (key) -> new LongAdder()).increment();
		this.examples.putIfAbsent(type, error);
		ended(startNanos, type);
	}

	private void ended(long startNanos, String outcome) {
		long took = System.nanoTime() - startNanos;
		if (this.longestNanos.accumulateAndGet(took, Math::max) == took) {
			this.longestOutcome = outcome;
		}
	}

	private static String typeOf(Throwable error) {
		String type = error.getClass().getSimpleName();
		if (error instanceof WebClientResponseException status) {
			return type + "(" + status.getStatusCode().value() + ")";
		}
		Throwable cause = error.getCause();
		return (cause != null && !(error instanceof SentinelException))
				? type + "(" + cause.getClass().getSimpleName() + ")" : type;
	}

	/**
	 * Whether an error is one a caller can handle by type: Sentinel's own, an error
	 * status, or Spring's wrapper of a transport failure.
	 * @param error the error
	 * @return whether it is typed
	 */
	static boolean typed(Throwable error) {
		return error instanceof SentinelException || error instanceof WebClientResponseException
				|| error instanceof WebClientRequestException;
	}

	long successes() {
		return this.successes.sum();
	}

	long calls() {
		return successes() + this.failures.values().stream().mapToLong(LongAdder::sum).sum();
	}

	double successRate() {
		return (calls() == 0) ? 0 : 100.0 * successes() / calls();
	}

	Duration longest() {
		return Duration.ofNanos(this.longestNanos.get());
	}

	/**
	 * How the longest call ended.
	 * @return {@code success} or the failure's type
	 */
	String longestOutcome() {
		return this.longestOutcome;
	}

	/**
	 * Failures by type, sorted by type.
	 * @return the counts
	 */
	Map<String, Long> failures() {
		Map<String, Long> counts = new TreeMap<>();
		this.failures.forEach((type, count) -> counts.put(type, count.sum()));
		return counts;
	}

	/**
	 * One error of each type, for a failing assertion to show.
	 * @return the examples by type
	 */
	Map<String, Throwable> examples() {
		return this.examples;
	}

}
