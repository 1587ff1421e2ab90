package io.httpsentinel.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.pool.TimeoutSettings;
import io.httpsentinel.resilience.RetrySettings;
import io.httpsentinel.resilience.RetrySettings.RetryBudgetSettings;
import io.httpsentinel.sse.SseOptions;
import io.httpsentinel.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A long run of mixed calls through one client and {@link FaultInjectingProxy} (JSON read
 * whole, streamed bodies, event streams, with a few faults on the way): the live heap,
 * file descriptors and threads, sampled every tenth of the run, must not grow between the
 * 20% sample and the last by more than 5%, and nothing leaks.
 */
class SoakTests {

	static final int CALLS = ChaosScale.of(20_000, 1_000_000);

	static final int SAMPLES = 10;

	static final int IN_FLIGHT = 32;

	/** Growth allowed between the 20% sample and the last. */
	static final double GROWTH = 0.05;

	/** Heap growth always allowed: what one collection to the next may differ by. */
	static final long HEAP_FLOOR = 8 * 1024 * 1024;

	/** File descriptors always allowed to differ: pooled connections open and close. */
	static final long FD_FLOOR = 16;

	/** Threads always allowed to differ: elastic workers come and go. */
	static final long THREAD_FLOOR = 4;

	private final List<AutoCloseable> started = new ArrayList<>();

	@AfterEach
	void stop() throws Exception {
		for (int i = this.started.size() - 1; i >= 0; i--) {
			this.started.get(i).close();
		}
	}

	static FaultPlan fewFaults() {
		return FaultPlan.evenly(0.02, List.of(Fault.RESET_BEFORE_RESPONSE, Fault.RESET_MID_BODY,
				Fault.TRUNCATED_CHUNKED, Fault.HALF_CLOSE, Fault.NOT_HTTP, Fault.TOO_MANY_REQUESTS_RETRY_AFTER_MS));
	}

	static ClientSettings settings(ClientSettings settings) {
		return settings
			.withTimeouts(TimeoutSettings.INHERIT.withResponseHeaders(Duration.ofSeconds(5))
				.withReadIdle(Duration.ofSeconds(5))
				.withTotal(Duration.ofSeconds(30)))
			.withRetry(RetrySettings.INHERIT.withMaxRetries(4)
				.withBackoff(Duration.ofMillis(20), 2.0, Duration.ofMillis(500), 0.5)
				.withBudget(new RetryBudgetSettings(0.5, 10)));
	}

	@Test
	void mixedCallsLeaveHeapFileDescriptorsAndThreadsFlatAndLeakNothing() throws Exception {
		NettyLeaks leaks = started(NettyLeaks.watch());
		ChaosUpstream upstream = started(new ChaosUpstream());
		FaultInjectingProxy proxy = started(FaultInjectingProxy.start(upstream.baseUrl(), fewFaults()));
		TestClients clients = started(new TestClients());
		SentinelClient client = clients.create(proxy.baseUrl(), SoakTests::settings);
		CallOutcomes outcomes = new CallOutcomes();
		CallOutcomes eventStreams = new CallOutcomes();
		List<ResourceSample> samples = new ArrayList<>();
		int batch = CALLS / SAMPLES;
		long start = System.nanoTime();
		for (int sample = 1; sample <= SAMPLES; sample++) {
			int first = (sample - 1) * batch;
			Flux.range(first, batch)
				.flatMap((i) -> call(client, i, (i % 10 >= 8) ? eventStreams : outcomes), IN_FLIGHT)
				.blockLast(Duration.ofMinutes(30));
			samples.add(ResourceSample.take((long) sample * batch));
			// Each sample as it is taken: a long run shows its course while it goes.
			System.out.printf("CHAOS soak-sample %s after %ds success=%.3f%% sse-success=%.3f%%%n",
					samples.get(samples.size() - 1), Duration.ofNanos(System.nanoTime() - start).toSeconds(),
					outcomes.successRate(), eventStreams.successRate());
		}
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		await().atMost(Duration.ofSeconds(10)).until(() -> client.pool().active() == 0);
		clients.close();
		proxy.close();
		upstream.close();
		List<String> leaked = leaks.reports();
		ResourceSample at20 = samples.get(1);
		ResourceSample last = samples.get(SAMPLES - 1);
		System.out.printf(
				"CHAOS soak calls=%d in-flight=%d elapsed=%ds success=%.3f%% failures=%s sse-success=%.3f%% "
						+ "sse-failures=%s leaks=%d "
						+ "heap-growth=%+.1f%% fd-growth=%+d threads-growth=%+d samples=%s faults=%s%n",
				CALLS, IN_FLIGHT, elapsed.toSeconds(), outcomes.successRate(), outcomes.failures(),
				eventStreams.successRate(), eventStreams.failures(), leaked.size(),
				100.0 * (last.heapBytes() - at20.heapBytes()) / at20.heapBytes(),
				last.fileDescriptors() - at20.fileDescriptors(), last.threads() - at20.threads(), samples,
				proxy.plan().injected());
		assertThat(outcomes.examples().values()).allSatisfy((error) -> assertThat(CallOutcomes.typed(error)).isTrue());
		// A stream read without reconnecting that breaks off ends with a typed error too
		// (it ended with Netty's PrematureCloseException before
		// SseStreamBrokenException).
		assertThat(eventStreams.examples().values())
			.allSatisfy((error) -> assertThat(CallOutcomes.typed(error)).isTrue());
		assertThat(ResourceSample.grewBeyond(at20.heapBytes(), last.heapBytes(), GROWTH, HEAP_FLOOR))
			.as("heap %s", samples)
			.isFalse();
		assertThat(ResourceSample.grewBeyond(at20.fileDescriptors(), last.fileDescriptors(), GROWTH, FD_FLOOR))
			.as("file descriptors %s", samples)
			.isFalse();
		assertThat(ResourceSample.grewBeyond(at20.threads(), last.threads(), GROWTH, THREAD_FLOOR))
			.as("threads %s", samples)
			.isFalse();
		assertThat(leaked).isEmpty();
	}

	private static Mono<Void> call(SentinelClient client, int i, CallOutcomes outcomes) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			Mono<?> call = switch (i % 10) {
				case 6, 7 -> streamed(client);
				case 8, 9 -> events(client);
				default -> json(client);
			};
			return call.doOnSuccess((result) -> outcomes.succeeded(start))
				.doOnError((error) -> outcomes.failed(start, error))
				.onErrorComplete()
				.then();
		});
	}

	private static Mono<Map> json(SentinelClient client) {
		return client.webClient().get().uri("/json").retrieve().bodyToMono(Map.class);
	}

	private static Mono<Integer> streamed(SentinelClient client) {
		return client.webClient().get().uri("/stream").retrieve().bodyToFlux(DataBuffer.class).map((buffer) -> {
			int bytes = buffer.readableByteCount();
			DataBufferUtils.release(buffer);
			return bytes;
		})
			.reduce(0, Integer::sum)
			.doOnNext((bytes) -> check(bytes == ChaosUpstream.STREAM_CHUNKS * ChaosUpstream.STREAM_CHUNK.length(),
					"stream of " + bytes + " bytes"));
	}

	private static Mono<Long> events(SentinelClient client) {
		return client.sse((web) -> web.get().uri("/events"), SseOptions.DEFAULTS.noReconnect())
			.count()
			.doOnNext((count) -> check(count == ChaosUpstream.EVENTS, count + " events"));
	}

	private static void check(boolean condition, String what) {
		if (!condition) {
			throw new IllegalStateException("Unexpected " + what);
		}
	}

	private <T extends AutoCloseable> T started(T resource) {
		this.started.add(resource);
		return resource;
	}

}
