package io.httpsentinel.benchmarks.replicas;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The provider of {@link ReplicasSimulation}: a Reactor Netty server on 127.0.0.1 that
 * enforces one API quota of {@code limit} requests in any sliding second, as an LLM
 * provider does for an API key. A request is answered 200 when fewer than {@code limit}
 * requests were answered 200 in the second before it (the 429s do not spend the quota),
 * otherwise 429 with {@code Retry-After: 1}. Every response carries the quota's headers
 * in the chosen {@link HeaderStyle}. It counts its 200s and 429s per second since
 * {@link #reset()}.
 */
final class QuotaUpstream implements AutoCloseable {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	/** Seconds of per-second counts kept; later seconds count in the last one. */
	private static final int SECONDS_KEPT = 600;

	private final int limit;

	private final HeaderStyle style;

	/**
	 * Whether the reset is the time until the whole quota is back (the newest request
	 * leaves the window, as OpenAI defines its reset: "until the rate limit resets to its
	 * initial state"), rather than until one more request is allowed (the oldest leaves).
	 */
	private final boolean resetToFull;

	private final LoopResources loops;

	private final DisposableServer server;

	/** Arrival times of the 200s of the last second, oldest first; guarded by this. */
	private final ArrayDeque<Long> window = new ArrayDeque<>();

	/** Guarded by this. */
	private long start = System.nanoTime();

	/** 200s per second since {@link #start}; guarded by this. */
	private final int[] ok = new int[SECONDS_KEPT];

	/** 429s per second since {@link #start}; guarded by this. */
	private final int[] tooMany = new int[SECONDS_KEPT];

	QuotaUpstream(int limit, HeaderStyle style, boolean resetToFull) {
		this.limit = limit;
		this.style = style;
		this.resetToFull = resetToFull;
		this.loops = LoopResources.create("quota-upstream", 1, true);
		this.server = HttpServer.create().host("127.0.0.1").port(0).runOn(this.loops).handle(this::answer).bindNow();
	}

	/**
	 * Answer {@code count} requests of this JVM's own, so that the server is compiled
	 * before the first scenario measures anything.
	 */
	void prime(int count) throws Exception {
		HttpClient client = HttpClient.newHttpClient();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/prime")).build();
		for (int i = 0; i < count; i++) {
			client.send(request, HttpResponse.BodyHandlers.discarding());
		}
		reset();
	}

	int port() {
		return this.server.port();
	}

	/**
	 * Forget the quota's window and the counts: a new scenario starts.
	 * @return the {@link System#nanoTime()} at which second 0 of the counts starts
	 */
	synchronized long reset() {
		this.window.clear();
		this.start = System.nanoTime();
		Arrays.fill(this.ok, 0);
		Arrays.fill(this.tooMany, 0);
		return this.start;
	}

	/**
	 * The counts of the whole seconds {@code from} (inclusive) to {@code to} (exclusive).
	 * @return {@code [200s, 429s, fewest 200s in one second, most 200s in one second]}
	 */
	synchronized long[] counts(int from, int to) {
		long okTotal = 0;
		long tooManyTotal = 0;
		long fewest = Long.MAX_VALUE;
		long most = 0;
		for (int second = from; second < to; second++) {
			okTotal += this.ok[second];
			tooManyTotal += this.tooMany[second];
			fewest = Math.min(fewest, this.ok[second]);
			most = Math.max(most, this.ok[second]);
		}
		return new long[] { okTotal, tooManyTotal, (fewest != Long.MAX_VALUE) ? fewest : 0, most };
	}

	/**
	 * @return the 200s and 429s of each second from {@code from} (inclusive) to
	 * {@code to} (exclusive), {@code 200/429} separated by spaces
	 */
	synchronized String perSecond(int from, int to) {
		StringBuilder seconds = new StringBuilder();
		for (int second = from; second < to; second++) {
			seconds.append((seconds.length() > 0) ? " " : "")
				.append(this.ok[second])
				.append('/')
				.append(this.tooMany[second]);
		}
		return seconds.toString();
	}

	private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
		long now = System.nanoTime();
		boolean allowed;
		int remaining;
		long resetNanos;
		synchronized (this) {
			while (!this.window.isEmpty() && now - this.window.peekFirst() >= SECOND) {
				this.window.pollFirst();
			}
			allowed = this.window.size() < this.limit;
			if (allowed) {
				this.window.addLast(now);
			}
			remaining = this.limit - this.window.size();
			resetNanos = this.window.isEmpty() ? 0
					: ((this.resetToFull ? this.window.peekLast() : this.window.peekFirst()) + SECOND - now);
			int second = second(now);
			if (allowed) {
				this.ok[second]++;
			}
			else {
				this.tooMany[second]++;
			}
		}
		this.style.write(response, this.limit, remaining, resetNanos);
		if (!allowed) {
			return response.status(HttpResponseStatus.TOO_MANY_REQUESTS)
				.header("Retry-After", "1")
				.header("Content-Type", "application/json")
				.sendString(Mono.just("{\"error\":\"rate_limit_exceeded\"}"))
				.then();
		}
		return response.header("Content-Type", "application/json").sendString(Mono.just("{\"ok\":true}")).then();
	}

	private int second(long now) {
		return (int) Math.min(Math.max(0, (now - this.start) / SECOND), SECONDS_KEPT - 1);
	}

	@Override
	public void close() {
		this.server.disposeNow();
		this.loops.dispose();
	}

	/**
	 * How the upstream tells its quota.
	 */
	enum HeaderStyle {

		/**
		 * OpenAI's: {@code x-ratelimit-limit-requests},
		 * {@code x-ratelimit-remaining-requests} and {@code x-ratelimit-reset-requests}
		 * as a Go duration ({@code 230ms}, {@code 1s}).
		 */
		OPENAI {
			@Override
			void write(HttpServerResponse response, int limit, int remaining, long resetNanos) {
				response.header("x-ratelimit-limit-requests", Integer.toString(limit))
					.header("x-ratelimit-remaining-requests", Integer.toString(remaining))
					.header("x-ratelimit-reset-requests", goDuration(resetNanos));
			}
		},

		/**
		 * The IETF draft's structured fields (draft-ietf-httpapi-ratelimit-headers):
		 * {@code RateLimit-Policy: "quota";q=50;w=1} and
		 * {@code RateLimit: "quota";r=<remaining>;t=<seconds to the reset, rounded up>}.
		 */
		IETF {
			@Override
			void write(HttpServerResponse response, int limit, int remaining, long resetNanos) {
				long seconds = (resetNanos + SECOND - 1) / SECOND;
				response.header("RateLimit-Policy", "\"quota\";q=" + limit + ";w=1")
					.header("RateLimit", "\"quota\";r=" + remaining + ";t=" + seconds);
			}
		},

		/** No rate-limit headers at all. */
		NONE {
			@Override
			void write(HttpServerResponse response, int limit, int remaining, long resetNanos) {
			}
		};

		abstract void write(HttpServerResponse response, int limit, int remaining, long resetNanos);

		static String goDuration(long nanos) {
			long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
			if (millis >= 1000) {
				return String.format(Locale.ROOT, "%ds", millis / 1000);
			}
			return millis + "ms";
		}

	}

}
