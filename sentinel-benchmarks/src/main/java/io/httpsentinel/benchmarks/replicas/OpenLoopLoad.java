package io.httpsentinel.benchmarks.replicas;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.httpsentinel.resilience.RateLimitExceededException;

/**
 * The traffic of one replica: an open-loop load of {@code rate} GET requests per second
 * through a Sentinel client's {@link WebClient}, each issued on its tick whether or not
 * the earlier ones have finished (as independent users' requests would be), and the
 * outcomes of the calls issued while measuring: answered 200, answered 429, refused by
 * the client's own rate limiter ({@link RateLimitExceededException}, nothing sent), or
 * failed otherwise; and each call's duration, rate-limit waits included.
 */
final class OpenLoopLoad {

	private final WebClient webClient;

	private final Duration period;

	private final AtomicLong calls = new AtomicLong();

	private final AtomicLong ok = new AtomicLong();

	private final AtomicLong tooMany = new AtomicLong();

	private final AtomicLong refused = new AtomicLong();

	private final AtomicLong inFlight = new AtomicLong();

	/** Failures other than 429 and refusals, by exception class; guarded by itself. */
	private final Map<String, Long> errors = new TreeMap<>();

	/** Durations of the measured calls in microseconds; guarded by this. */
	private long[] durations = new long[4096];

	/** Guarded by this. */
	private int durationCount;

	private volatile boolean measuring;

	private Disposable ticks = Disposables.disposed();

	OpenLoopLoad(WebClient webClient, double rate) {
		this.webClient = webClient;
		this.period = Duration.ofNanos((long) (TimeUnit.SECONDS.toNanos(1) / rate));
	}

	/**
	 * Make {@code count} calls one after the other, their outcomes not counted: the
	 * replica's classes load and its call path is compiled before the load starts, so
	 * that a replica that has just started does not fall behind and then catch up in a
	 * burst.
	 */
	void prime(int count) {
		for (int i = 0; i < count; i++) {
			call().onErrorResume((ex) -> Mono.empty()).block(Duration.ofSeconds(30));
		}
	}

	/** Start issuing requests. */
	void start() {
		this.ticks = Flux.interval(this.period).subscribe((tick) -> issue());
	}

	/** Count the calls issued from now on. */
	void mark() {
		this.measuring = true;
	}

	/**
	 * Stop issuing requests, wait (at most {@code drain}) for the measured calls still in
	 * flight and describe the outcomes.
	 * @return the counts as one line of JSON
	 */
	String stop(Duration drain) throws InterruptedException {
		this.ticks.dispose();
		this.measuring = false;
		long deadline = System.nanoTime() + drain.toNanos();
		while (this.inFlight.get() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		return json();
	}

	private void issue() {
		if (!this.measuring) {
			// Warm-up: the outcome does not count.
			call().subscribe((status) -> {
			}, (ex) -> {
			});
			return;
		}
		this.calls.incrementAndGet();
		this.inFlight.incrementAndGet();
		long start = System.nanoTime();
		call().subscribe((status) -> count(status, start), (ex) -> count(ex, start));
	}

	private Mono<Integer> call() {
		return this.webClient.get()
			.uri("/v1/models")
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.onErrorResume(WebClientResponseException.class, (ex) -> Mono.just(ex.getStatusCode().value()));
	}

	private void count(int status, long start) {
		if (status == 200) {
			this.ok.incrementAndGet();
		}
		else if (status == 429) {
			this.tooMany.incrementAndGet();
		}
		else {
			error("HTTP " + status);
		}
		finish(start);
	}

	private void count(Throwable ex, long start) {
		if (ex instanceof RateLimitExceededException) {
			this.refused.incrementAndGet();
		}
		else {
			error(ex.getClass().getSimpleName());
		}
		finish(start);
	}

	private void error(String kind) {
		synchronized (this.errors) {
			this.errors.merge(kind, 1L, Long::sum);
		}
	}

	private synchronized void finish(long start) {
		if (this.durationCount == this.durations.length) {
			this.durations = Arrays.copyOf(this.durations, this.durations.length * 2);
		}
		this.durations[this.durationCount++] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
		this.inFlight.decrementAndGet();
	}

	private synchronized String json() {
		long[] sorted = Arrays.copyOf(this.durations, this.durationCount);
		Arrays.sort(sorted);
		StringBuilder errors = new StringBuilder();
		synchronized (this.errors) {
			this.errors.forEach((kind, count) -> errors.append((errors.length() > 0) ? "," : "")
				.append('"')
				.append(kind)
				.append("\":")
				.append(count));
		}
		return String.format(Locale.ROOT,
				"{\"calls\":%d,\"ok\":%d,\"tooMany\":%d,\"refused\":%d,\"unfinished\":%d,"
						+ "\"p50Millis\":%.1f,\"p99Millis\":%.1f,\"maxMillis\":%.1f,\"errors\":{%s}}",
				this.calls.get(), this.ok.get(), this.tooMany.get(), this.refused.get(), this.inFlight.get(),
				percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 1.0), errors);
	}

	private static double percentile(long[] sortedMicros, double fraction) {
		if (sortedMicros.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(fraction * sortedMicros.length) - 1;
		return sortedMicros[Math.max(0, index)] / 1000.0;
	}

}
