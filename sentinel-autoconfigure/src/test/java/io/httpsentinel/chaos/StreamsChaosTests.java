package io.httpsentinel.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

import io.httpsentinel.SentinelTimeoutException;
import io.httpsentinel.chaos.DroppingEventUpstream.Fault;
import io.httpsentinel.chaos.StreamChaosApp.Stack;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.sse.proxy.SseProxyStatistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streams under faults (issue 14, item 4): many concurrent streams from an upstream that
 * drops every connection at a random point ({@link DroppingEventUpstream}: between
 * events, mid-event, mid-line, mid-UTF-8 character, reset, stall past
 * {@code timeouts.read-idle}, stall before the response) and resumes after
 * {@code Last-Event-ID}, read through {@code SseProxy} with resume on by real HTTP
 * clients, and by the SSE reader ({@code SentinelClient.sse}): every stream gets every
 * event exactly once, in order, its data intact. Scaled down in the default build, full
 * size with {@code -Pchaos}.
 */
class StreamsChaosTests {

	private static final int STREAMS = ChaosScale.of(40, 1_000);

	private static final int EVENTS = ChaosScale.of(400, 2_000);

	private static final int EVENTS_PER_CONNECTION = ChaosScale.of(20, 50);

	/** Events an upstream connection replays before the Last-Event-ID, at most. */
	private static final int PROXY_OVERLAP = 3;

	private static final long SEED = 14;

	/** How long all streams may take, on a busy machine. */
	private static final Duration DEADLINE = Duration.ofSeconds(ChaosScale.of(150, 1_200));

	/**
	 * A stream's first connection is not resumed (SseProxy answers 504 before the stream
	 * opens, as documented), and 1,000 streams opening at once on two cores can take
	 * seconds to get their headers: the full size allows for that; the stalls before the
	 * response injected later in a stream then take as long to end.
	 */
	private static final int RESPONSE_HEADERS_SECONDS = ChaosScale.of(5, 20);

	@ParameterizedTest
	@EnumSource(Stack.class)
	void everyStreamThroughTheProxyGetsEveryEventExactlyOnceAndInOrder(Stack stack) throws Exception {
		List<StreamCheck> checks = new ArrayList<>();
		CountDownLatch ends = new CountDownLatch(STREAMS);
		try (DroppingEventUpstream upstream = new DroppingEventUpstream(EVENTS, PROXY_OVERLAP, EVENTS_PER_CONNECTION,
				SEED); StreamChaosApp app = new StreamChaosApp(stack, upstream.baseUrl(), settings())) {
			BreakerFailures breakerFailures = new BreakerFailures(app.client());
			// Event loops of its own, which the application cannot dispose.
			LoopResources loops = LoopResources.create("downstream", 2, true);
			List<Disposable> readers = new ArrayList<>();
			try {
				HttpClient http = HttpClient.newConnection().runOn(loops);
				long start = System.nanoTime();
				for (int stream = 0; stream < STREAMS; stream++) {
					StreamCheck check = new StreamCheck(stream, EVENTS, ends);
					checks.add(check);
					readers.add(http.get()
						.uri(app.url(stream))
						.responseContent()
						.asByteArray()
						.subscribe(check::feed, check::end, () -> check.end(null)));
				}
				boolean ended = ends.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
				Duration time = Duration.ofNanos(System.nanoTime() - start);
				SseProxyStatistics statistics = app.proxy().statistics("up");
				report("proxy-" + stack.name().toLowerCase(), checks, upstream, breakerFailures,
						" resumes=" + statistics.resumes(), time);
				assertEveryStreamComplete(ended, checks, upstream, breakerFailures);
				assertThat(statistics.errorEvents()).isZero();
				assertThat(statistics.resumesGivenUp()).isZero();
			}
			finally {
				readers.forEach(Disposable::dispose);
				loops.disposeLater(Duration.ZERO, Duration.ofSeconds(10)).block(Duration.ofSeconds(10));
			}
		}
	}

	@Test
	void everyStreamOfTheSseReaderGetsEveryEventExactlyOnceAndInOrder() throws Exception {
		List<StreamCheck> checks = new ArrayList<>();
		CountDownLatch ends = new CountDownLatch(STREAMS);
		List<Disposable> readers = new ArrayList<>();
		// Like a browser's EventSource, the reader delivers what the server sends after
		// the Last-Event-ID: this upstream replays nothing before it.
		try (DroppingEventUpstream upstream = new DroppingEventUpstream(EVENTS, 0, EVENTS_PER_CONNECTION, SEED);
				StreamChaosApp app = new StreamChaosApp(Stack.WEBFLUX, upstream.baseUrl(), settings())) {
			SentinelClient client = app.client();
			BreakerFailures breakerFailures = new BreakerFailures(client);
			try {
				long start = System.nanoTime();
				for (int stream = 0; stream < STREAMS; stream++) {
					StreamCheck check = new StreamCheck(stream, EVENTS, ends);
					checks.add(check);
					int number = stream;
					readers.add(client.sse((web) -> web.get().uri("/events/{stream}", number))
						.subscribe(check::accept, check::end, () -> check.end(null)));
				}
				boolean ended = ends.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
				Duration time = Duration.ofNanos(System.nanoTime() - start);
				report("reader", checks, upstream, breakerFailures, "", time);
				assertEveryStreamComplete(ended, checks, upstream, breakerFailures);
				// Each stream ended on the 204 after its last event (retried after a
				// spurious timeout of a busy machine, some more).
				assertThat(upstream.noContent()).isGreaterThanOrEqualTo(STREAMS);
			}
			finally {
				readers.forEach(Disposable::dispose);
			}
		}
	}

	/**
	 * The client's settings: resume (proxy) and reconnect (reader) without limits and
	 * with short delays; timeouts that end a stall; a pool for all streams; and a breaker
	 * that counts every failure but does not open.
	 */
	private static String[] settings() {
		String client = "sentinel.clients.up.";
		return new String[] { client + "sse.resume.enabled=true", client + "sse.resume.initial-delay=5ms",
				client + "sse.resume.max-delay=20ms", client + "sse.resume.max-attempts=-1",
				client + "sse.resume.max-elapsed=0s", client + "sse.reconnect.initial-delay=5ms",
				client + "sse.reconnect.max-delay=20ms", client + "timeouts.read-idle=500ms",
				client + "timeouts.response-headers=" + RESPONSE_HEADERS_SECONDS + "s",
				client + "pool.max-connections=" + (2 * STREAMS),
				client + "pool.pending-acquire-max-count=" + (4 * STREAMS),
				client + "circuit-breaker.failure-rate-threshold=100" };
	}

	/**
	 * The failures a client's circuit breaker records, and how many of them are timeouts
	 * (the stalls, and any spurious ones of a busy machine).
	 */
	private static final class BreakerFailures {

		private final LongAdder all = new LongAdder();

		private final LongAdder timeouts = new LongAdder();

		BreakerFailures(SentinelClient client) {
			CircuitBreaker breaker = client.circuitBreaker().resilience4j();
			assertThat(breaker).isNotNull();
			breaker.getEventPublisher().onError((event) -> {
				this.all.increment();
				if (event.getThrowable() instanceof SentinelTimeoutException) {
					this.timeouts.increment();
				}
			});
		}

		long sum() {
			return this.all.sum();
		}

	}

	private static void report(String via, List<StreamCheck> checks, DroppingEventUpstream upstream,
			BreakerFailures breakerFailures, String more, Duration time) {
		long complete = checks.stream().filter(StreamCheck::complete).count();
		System.out.printf("CHAOS streams via=%s streams=%d/%d events=%d delivered=%d drops=%d (%s) reconnects=%d%s"
				+ " duplicates=%d losses=%d corrupted=%d error-events=%d breaker-failures=%d (timeouts=%d) time=%.1fs%n",
				via, complete, checks.size(), EVENTS, sum(checks, StreamCheck::delivered), upstream.faults(),
				upstream.faultFigures(), upstream.requests() - checks.size(), more,
				sum(checks, StreamCheck::duplicates), sum(checks, StreamCheck::losses),
				sum(checks, StreamCheck::corrupted), sum(checks, StreamCheck::others), breakerFailures.sum(),
				breakerFailures.timeouts.sum(), time.toMillis() / 1000.0);
	}

	private static long sum(List<StreamCheck> checks, ToLongFunction<StreamCheck> figure) {
		return checks.stream().mapToLong(figure).sum();
	}

	private static void assertEveryStreamComplete(boolean ended, List<StreamCheck> checks,
			DroppingEventUpstream upstream, BreakerFailures breakerFailures) {
		List<String> incomplete = checks.stream()
			.filter((check) -> !check.complete())
			.limit(5)
			.map(StreamCheck::describe)
			.toList();
		assertThat(incomplete).as("streams not complete (ended in time: %s)", ended).isEmpty();
		for (Fault fault : Fault.values()) {
			assertThat(upstream.faults(fault)).as("%s injected", fault).isPositive();
		}
		// A drop or stall after the response headers is not counted against the breaker:
		// the reconnect that follows is. What it counts are reconnects that failed before
		// their response: a stall there (a timeout), or a close when the connection had
		// no event to send (a spurious timeout on a busy machine adds one).
		assertThat(breakerFailures.timeouts.sum()).as("breaker failures: timeouts")
			.isGreaterThanOrEqualTo(upstream.faults(Fault.STALL_BEFORE_RESPONSE));
		assertThat(breakerFailures.sum() - breakerFailures.timeouts.sum()).as("breaker failures: others")
			.isLessThanOrEqualTo(upstream.faults(Fault.BETWEEN_EVENTS));
	}

}
