package io.httpsentinel.benchmarks.backends;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * One backend of {@link BackendsSimulation}: a Reactor Netty server on 127.0.0.1 that
 * answers every request with a small JSON body after a fixed latency, and, once told to
 * fail, answers a share of its requests with an error status instead (chosen at random
 * per request, as a sick replica does: strictly alternating failures would never fail
 * several times in a row). It counts the requests it receives per second since
 * {@link #reset(long)}.
 */
final class SimulatedBackend implements AutoCloseable {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	/** Seconds of per-second counts kept; later seconds count in the last one. */
	private static final int SECONDS_KEPT = 600;

	private static final byte[] OK_BODY = "{\"object\":\"chat.completion\",\"choices\":[{\"text\":\"ok\"}]}"
		.getBytes(StandardCharsets.UTF_8);

	private static final byte[] ERROR_BODY = "{\"error\":{\"message\":\"injected failure\"}}"
		.getBytes(StandardCharsets.UTF_8);

	private final Duration latency;

	private final Scheduler timer;

	private final HttpResponseStatus faultStatus;

	private final DisposableServer server;

	/** Requests received per second since {@link #start}. */
	private final AtomicLongArray requests = new AtomicLongArray(SECONDS_KEPT);

	private volatile long start = System.nanoTime();

	/** Share of the requests answered with {@link #faultStatus}, from 0 to 1. */
	private volatile double faultRate;

	SimulatedBackend(LoopResources loops, Scheduler timer, Duration latency, int faultStatus) {
		this.latency = latency;
		this.timer = timer;
		this.faultStatus = HttpResponseStatus.valueOf(faultStatus);
		this.server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops).handle(this::answer).bindNow();
	}

	int port() {
		return this.server.port();
	}

	/**
	 * Answer every request from now on, and count from {@code startNanos}.
	 * @param startNanos second 0 of the counts, a {@link System#nanoTime()}
	 */
	void reset(long startNanos) {
		this.faultRate = 0;
		for (int i = 0; i < SECONDS_KEPT; i++) {
			this.requests.set(i, 0);
		}
		this.start = startNanos;
	}

	/**
	 * Answer this share of the requests from now on with the fault status.
	 * @param rate from 0 (none) to 1 (all)
	 */
	void fail(double rate) {
		this.faultRate = rate;
	}

	/**
	 * The requests received in each whole second since the start.
	 * @param seconds how many seconds
	 * @return the counts, second 0 first
	 */
	long[] requestsPerSecond(int seconds) {
		long[] counts = new long[seconds];
		for (int i = 0; i < seconds; i++) {
			counts[i] = this.requests.get(i);
		}
		return counts;
	}

	private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
		long second = (System.nanoTime() - this.start) / SECOND;
		if (second >= 0) {
			this.requests.incrementAndGet((int) Math.min(second, SECONDS_KEPT - 1));
		}
		boolean fail = ThreadLocalRandom.current().nextDouble() < this.faultRate;
		byte[] body = fail ? ERROR_BODY : OK_BODY;
		return request.receive()
			.then()
			.then(Mono.delay(this.latency, this.timer))
			.then(response.status(fail ? this.faultStatus : HttpResponseStatus.OK)
				.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
				.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
				.sendByteArray(Mono.just(body))
				.then());
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
	}

}
