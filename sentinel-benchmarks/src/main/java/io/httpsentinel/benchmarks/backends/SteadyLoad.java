package io.httpsentinel.benchmarks.backends;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * The traffic of {@link BackendsSimulation}: {@code rate} GET requests per second through
 * a Sentinel client's {@link WebClient}, issued on a clock whether or not the earlier
 * ones have finished (independent users), but never more than {@code maxInFlight} at
 * once: a request due while that many are in flight is not issued and counted as shed, so
 * a stalled client cannot pile up requests without bound. It counts the outcome of every
 * call issued while measuring (200, another status, or an exception) and its duration,
 * retries included.
 */
final class SteadyLoad implements AutoCloseable {

	private static final Duration TICK = Duration.ofMillis(5);

	private final WebClient webClient;

	private final double rate;

	private final int maxInFlight;

	private final ScheduledExecutorService clock;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicLong calls = new AtomicLong();

	private final AtomicLong ok = new AtomicLong();

	private final AtomicLong shed = new AtomicLong();

	/** Failed calls by status or exception class; guarded by itself. */
	private final Map<String, Long> failures = new TreeMap<>();

	/** Durations of the measured calls in microseconds; guarded by this. */
	private long[] durations = new long[1 << 16];

	/** Guarded by this. */
	private int durationCount;

	private volatile boolean measuring;

	private long started;

	private long issued;

	SteadyLoad(WebClient webClient, double rate, int maxInFlight) {
		this.webClient = webClient;
		this.rate = rate;
		this.maxInFlight = maxInFlight;
		this.clock = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "steady-load");
			thread.setDaemon(true);
			return thread;
		});
	}

	/** Start issuing requests; their outcomes count only from {@link #measure()}. */
	void start() {
		this.started = System.nanoTime();
		this.clock.scheduleAtFixedRate(this::issueDue, 0, TICK.toNanos(), TimeUnit.NANOSECONDS);
	}

	/** Count the outcomes of the calls issued from now on. */
	void measure() {
		this.measuring = true;
	}

	/**
	 * Stop issuing requests and wait, at most {@code drain}, for the calls in flight.
	 * @param drain how long to wait
	 * @return what the measured calls did
	 */
	Outcome stop(Duration drain) throws InterruptedException {
		this.clock.shutdown();
		this.clock.awaitTermination(5, TimeUnit.SECONDS);
		long deadline = System.nanoTime() + drain.toNanos();
		while (this.inFlight.get() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		this.measuring = false;
		synchronized (this) {
			long[] sorted = Arrays.copyOf(this.durations, this.durationCount);
			Arrays.sort(sorted);
			synchronized (this.failures) {
				return new Outcome(this.calls.get(), this.ok.get(), this.shed.get(), this.calls.get() - sorted.length,
						new TreeMap<>(this.failures), sorted);
			}
		}
	}

	@Override
	public void close() {
		this.clock.shutdownNow();
	}

	/** On the clock's thread: issue the requests due since the start. */
	private void issueDue() {
		long due = (long) ((System.nanoTime() - this.started) * this.rate / TimeUnit.SECONDS.toNanos(1));
		for (; this.issued < due; this.issued++) {
			boolean measured = this.measuring;
			if (this.inFlight.get() >= this.maxInFlight) {
				if (measured) {
					this.shed.incrementAndGet();
				}
				continue;
			}
			if (measured) {
				this.calls.incrementAndGet();
			}
			this.inFlight.incrementAndGet();
			long start = System.nanoTime();
			call().subscribe((status) -> finish(measured, start, (status == 200) ? null : "HTTP " + status),
					(ex) -> finish(measured, start, ex.getClass().getSimpleName()));
		}
	}

	private Mono<Integer> call() {
		return this.webClient.get()
			.uri("/v1/chat")
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.onErrorResume(WebClientResponseException.class, (ex) -> Mono.just(ex.getStatusCode().value()));
	}

	private void finish(boolean measured, long start, @Nullable String failure) {
		if (measured) {
			long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
			if (failure == null) {
				this.ok.incrementAndGet();
			}
			else {
				synchronized (this.failures) {
					this.failures.merge(failure, 1L, Long::sum);
				}
			}
			synchronized (this) {
				if (this.durationCount == this.durations.length) {
					this.durations = Arrays.copyOf(this.durations, this.durations.length * 2);
				}
				this.durations[this.durationCount++] = micros;
			}
		}
		this.inFlight.decrementAndGet();
	}

	/**
	 * What the measured calls did.
	 *
	 * @param calls calls issued while measuring (shed requests not included)
	 * @param ok calls answered 200
	 * @param shed requests not issued because {@code maxInFlight} were in flight
	 * @param unfinished calls still in flight when the load stopped waiting
	 * @param failures failed calls by status or exception class
	 * @param sortedMicros the finished calls' durations in microseconds, ascending
	 */
	record Outcome(long calls, long ok, long shed, long unfinished, Map<String, Long> failures, long[] sortedMicros) {

		/**
		 * @return the calls answered 200, as a percentage of the calls issued
		 */
		double successPercent() {
			return (this.calls > 0) ? 100.0 * this.ok / this.calls : 0;
		}

		/**
		 * @param fraction e.g. 0.99
		 * @return that percentile of the durations, in milliseconds
		 */
		double percentileMillis(double fraction) {
			if (this.sortedMicros.length == 0) {
				return 0;
			}
			int index = (int) Math.ceil(fraction * this.sortedMicros.length) - 1;
			return this.sortedMicros[Math.max(0, index)] / 1000.0;
		}

	}

}
