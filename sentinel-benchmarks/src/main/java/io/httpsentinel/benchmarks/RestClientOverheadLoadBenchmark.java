package io.httpsentinel.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jspecify.annotations.Nullable;

import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import io.httpsentinel.client.SentinelClient;

/**
 * Throughput, p50 and p99 of a bare {@link RestClient} on Spring's
 * {@link ReactorClientHttpRequestFactory} against the same blocking GET through
 * {@link SentinelClient#restClient()}, on one server and one connection pool
 * ({@link PipelineFixture}), in alternating ABBA phases ({@link PairedLoad}): once with
 * the callers on platform threads, once on virtual threads.
 * <p>
 * Run with {@code java -cp sentinel-benchmarks/target/benchmarks.jar
 * io.httpsentinel.benchmarks.RestClientOverheadLoadBenchmark [threads] [warmup-s] [rounds]
 * [phase-s]} (defaults 4, 10, 10, 3: about 70 s per kind of thread);
 * {@code -Dcallers=platform,virtual} picks the kinds of caller threads. Virtual threads
 * need Java 21 or later: on an older JVM that part is skipped, and said so.
 */
public final class RestClientOverheadLoadBenchmark {

	private RestClientOverheadLoadBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		PairedLoad.Schedule schedule = PairedLoad.Schedule.parse(args, 4, 10, 10, 3);
		List<String> kinds = List.of(System.getProperty("callers", "platform,virtual").split(","));
		System.out.printf(Locale.ROOT, "Java %s; %s, on caller threads: %s%n", Runtime.version(), schedule,
				String.join(", ", kinds));
		try (PipelineFixture fixture = new PipelineFixture()) {
			RestClient plain = fixture.plainRestClient();
			RestClient sentinel = fixture.sentinelRestClient();
			Runnable plainCall = () -> PipelineFixture.call(plain);
			Runnable sentinelCall = () -> PipelineFixture.call(sentinel);
			for (String kind : kinds) {
				ExecutorService callers = callers(kind, schedule.threads());
				if (callers == null) {
					System.out.printf(Locale.ROOT, "%n%s threads: skipped, they need Java 21 or later%n", kind);
					continue;
				}
				try {
					System.out.printf(Locale.ROOT, "%n%s threads (a caller: %s)%n", kind,
							callers.submit(() -> Thread.currentThread().toString()).get());
					new PairedLoad(callers, schedule).measure(plainCall, sentinelCall)
						.summarize("RestClient on " + kind + " threads", 0.05, 0.05);
				}
				finally {
					callers.shutdownNow();
				}
			}
			System.out.println("\nSentinel client after the run: " + fixture.sentinelState());
		}
	}

	private static @Nullable ExecutorService callers(String kind, int threads) {
		return switch (kind) {
			case "platform" -> Executors.newFixedThreadPool(threads);
			case "virtual" -> virtualThreadPerTask();
			default -> throw new IllegalArgumentException("-Dcallers takes platform and virtual, not " + kind);
		};
	}

	/**
	 * Java 21's {@code Executors.newVirtualThreadPerTaskExecutor()}, called reflectively:
	 * this module compiles for Java 17.
	 * @return the executor, or {@code null} on a JVM without virtual threads
	 */
	private static @Nullable ExecutorService virtualThreadPerTask() {
		try {
			return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
		}
		catch (NoSuchMethodException ex) {
			return null;
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Could not create virtual threads", ex);
		}
	}

}
