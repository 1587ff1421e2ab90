package io.httpsentinel.resilience;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What the pipeline of one client counted: calls and their outcomes, retries by reason,
 * rate-limit waits and rejections, host pauses, and the latency of recent calls. The
 * pipeline counts with {@link LongAdder}s at the decision points it passes anyway, so a
 * call costs a few uncontended additions and no allocation; readers (the snapshot API,
 * Micrometer meters) sum them when asked.
 */
public final class PipelineStatistics {

	/** Window of the latency figures, cut into six slices of ten seconds. */
	static final Duration LATENCY_WINDOW = Duration.ofMinutes(1);

	private static final int LATENCY_SLICES = 6;

	private static final RetryReason[] REASONS = RetryReason.values();

	private final LongSupplier nanoTime;

	private final RetryBudget retryBudget;

	private final LongAdder requests = new LongAdder();

	private final LongAdder successes = new LongAdder();

	private final LongAdder failures = new LongAdder();

	private final LongAdder[] retries = new LongAdder[REASONS.length];

	private final LongAdder rateLimitWaits = new LongAdder();

	private final LongAdder rateLimitWaitNanos = new LongAdder();

	private final LongAdder rateLimitRejections = new LongAdder();

	private final LongAdder hostPauses = new LongAdder();

	private final LongAdder hostPauseRejections = new LongAdder();

	private final LatencyWindow latency = new LatencyWindow(LATENCY_WINDOW, LATENCY_SLICES);

	/**
	 * Create statistics.
	 * @param nanoTime the pipeline's time source in nanoseconds (the clock of the
	 * scheduler its delays run on), used to age the latency window
	 * @param retryBudget the client's retry budget, which counts its own figures
	 */
	PipelineStatistics(LongSupplier nanoTime, RetryBudget retryBudget) {
		this.nanoTime = nanoTime;
		this.retryBudget = retryBudget;
		for (int i = 0; i < this.retries.length; i++) {
			this.retries[i] = new LongAdder();
		}
	}

	void callStarted() {
		this.requests.increment();
	}

	void callEnded(boolean success, long nowNanos, long latencyNanos) {
		(success ? this.successes : this.failures).increment();
		this.latency.record(nowNanos, latencyNanos);
	}

	/**
	 * A call counted as ended when its response was handed over goes on: its body broke
	 * off and it is retried. Its earlier outcome no longer counts; its final one will.
	 * @param endedWithSuccess the outcome it was counted with
	 */
	void callResumed(boolean endedWithSuccess) {
		(endedWithSuccess ? this.successes : this.failures).decrement();
	}

	void retried(String decisionReason) {
		this.retries[RetryReason.of(decisionReason).ordinal()].increment();
	}

	void rateLimitWaited(long nanos) {
		this.rateLimitWaits.increment();
		this.rateLimitWaitNanos.add(nanos);
	}

	void rateLimitRejected() {
		this.rateLimitRejections.increment();
	}

	void hostPaused() {
		this.hostPauses.increment();
	}

	void hostPauseRejected() {
		this.hostPauseRejections.increment();
	}

	/**
	 * Calls started.
	 * @return the count
	 */
	public long requests() {
		return this.requests.sum();
	}

	/**
	 * Calls that ended with a response below 400 (judged when its headers arrived).
	 * @return the count
	 */
	public long successes() {
		return this.successes.sum();
	}

	/**
	 * Calls that ended with a status of 400 or more, or with an error (including a local
	 * refusal: open breaker, rate limit, host pause).
	 * @return the count
	 */
	public long failures() {
		return this.failures.sum();
	}

	/**
	 * Retries for one reason.
	 * @param reason the reason
	 * @return the count
	 */
	public long retries(RetryReason reason) {
		return this.retries[reason.ordinal()].sum();
	}

	/**
	 * Retries for every reason.
	 * @return the count
	 */
	public long retries() {
		long sum = 0;
		for (LongAdder adder : this.retries) {
			sum += adder.sum();
		}
		return sum;
	}

	/**
	 * Retries refused because the retry budget was spent; their calls got their last
	 * outcome.
	 * @return the count
	 */
	public long retryBudgetExhausted() {
		return this.retryBudget.exhaustedCount();
	}

	/**
	 * Calls in flight now.
	 * @return the count
	 */
	public int requestsInFlight() {
		return this.retryBudget.requestsInFlight();
	}

	/**
	 * Retries in flight now (waiting for their delay or sent), each holding a slot of the
	 * retry budget.
	 * @return the count
	 */
	public int retriesInFlight() {
		return this.retryBudget.retriesInFlight();
	}

	/**
	 * Attempts that waited for the rate limiter.
	 * @return the count
	 */
	public long rateLimitWaits() {
		return this.rateLimitWaits.sum();
	}

	/**
	 * Time those attempts waited, in all.
	 * @param unit the unit of the result
	 * @return the total wait
	 */
	public double rateLimitWaitTime(TimeUnit unit) {
		return (double) this.rateLimitWaitNanos.sum() / unit.toNanos(1);
	}

	/**
	 * Attempts refused because the rate limiter would have made them wait too long.
	 * @return the count
	 */
	public long rateLimitRejections() {
		return this.rateLimitRejections.sum();
	}

	/**
	 * Responses that paused the host (a {@code Retry-After} longer than
	 * {@code retry.max-retry-after}).
	 * @return the count
	 */
	public long hostPauses() {
		return this.hostPauses.sum();
	}

	/**
	 * Attempts refused because the host was paused.
	 * @return the count
	 */
	public long hostPauseRejections() {
		return this.hostPauseRejections.sum();
	}

	/**
	 * Latency of the calls that ended in the last minute, from the start of the call
	 * (retries and waits included) to its outcome (the final response's headers, or the
	 * error).
	 * @return count, mean and maximum
	 */
	public Latency latency() {
		return this.latency.summary(this.nanoTime.getAsLong());
	}

	/**
	 * Latency of the calls that ended in a recent window.
	 *
	 * @param window how far back the figures reach
	 * @param calls how many calls ended in the window
	 * @param mean mean latency ({@code 0} without calls)
	 * @param max longest latency ({@code 0} without calls)
	 */
	public record Latency(Duration window, long calls, Duration mean, Duration max) {

	}

}
