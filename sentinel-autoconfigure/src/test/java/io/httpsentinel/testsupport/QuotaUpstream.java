package io.httpsentinel.testsupport;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.resilience.AdaptivePacingSettings;
import io.httpsentinel.resilience.RateLimitSettings;
import io.httpsentinel.resilience.RateLimitStore;
import io.httpsentinel.resilience.RetrySettings;

/**
 * A real upstream on loopback that enforces a request quota the way providers do: a fixed
 * window of {@code quota} requests per {@code window} (aligned on the wall clock), 429
 * above it, and every response carrying the quota left and its reset in the headers of
 * one provider. Close it at the end of a test.
 */
public final class QuotaUpstream implements AutoCloseable {

	private final int quota;

	private final long windowMillis;

	private final Style style;

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger rejected = new AtomicInteger();

	private final LoopbackServer server;

	private long currentWindow = -1;

	private int used;

	public QuotaUpstream(int quota, Duration window, Style style) {
		this.quota = quota;
		this.windowMillis = window.toMillis();
		this.style = style;
		this.server = LoopbackServer.start((routes) -> routes.get("/", (request, response) -> respond(response)));
	}

	public URI baseUrl() {
		return this.server.baseUrl();
	}

	/**
	 * Requests answered 200 so far.
	 * @return the count
	 */
	public int accepted() {
		return this.accepted.get();
	}

	/**
	 * Requests answered 429 so far.
	 * @return the count
	 */
	public int rejected() {
		return this.rejected.get();
	}

	/**
	 * Settings of a client that sees every 429 (no retries), with adaptive pacing on or
	 * off.
	 * @param settings the settings to change
	 * @param adaptive whether the client paces from the headers
	 * @return the settings
	 */
	public static ClientSettings withoutRetries(ClientSettings settings, boolean adaptive) {
		return withoutRetries(settings, adaptive, RateLimitStore.LOCAL);
	}

	/**
	 * Settings of a client that sees every 429 (no retries), with adaptive pacing on or
	 * off, its state kept in the given store.
	 * @param settings the settings to change
	 * @param adaptive whether the client paces from the headers
	 * @param store where the client's limit, pacing and pause are kept
	 * @return the settings
	 */
	public static ClientSettings withoutRetries(ClientSettings settings, boolean adaptive, RateLimitStore store) {
		return settings.withRetry(RetrySettings.INHERIT.withMaxRetries(0))
			.withRateLimit(RateLimitSettings.builder()
				.store(store)
				.adaptive(new AdaptivePacingSettings(adaptive, null, null, null, null))
				.maxWait(Duration.ofSeconds(5))
				.build());
	}

	/**
	 * Send requests through a client, some at a time.
	 * @param client the client
	 * @param requests how many
	 * @param concurrency how many at a time
	 * @return the status of each
	 */
	public static Flux<Integer> send(SentinelClient client, int requests, int concurrency) {
		return Flux.range(0, requests)
			.flatMap(
					(i) -> client.webClient()
						.get()
						.uri("/")
						.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())),
					concurrency);
	}

	private Publisher<Void> respond(HttpServerResponse response) {
		long now = System.currentTimeMillis();
		long window = now / this.windowMillis;
		int left;
		synchronized (this) {
			if (window != this.currentWindow) {
				this.currentWindow = window;
				this.used = 0;
			}
			this.used++;
			left = this.quota - this.used;
		}
		boolean allowed = left >= 0;
		(allowed ? this.accepted : this.rejected).incrementAndGet();
		long resetMillis = (window + 1) * this.windowMillis;
		this.style.write(response, Math.max(0, left), this.quota, resetMillis - now, resetMillis);
		return response.status(allowed ? HttpResponseStatus.OK : HttpResponseStatus.TOO_MANY_REQUESTS)
			.sendString(Mono.just(allowed ? "ok" : "slow down"));
	}

	@Override
	public void close() {
		this.server.close();
	}

	/**
	 * The rate-limit headers of one provider.
	 */
	public enum Style {

		/** OpenAI: the reset as a Go duration. */
		OPENAI {

			@Override
			void write(HttpServerResponse response, int remaining, int limit, long resetInMillis, long resetAtMillis) {
				response.header("x-ratelimit-remaining-requests", Integer.toString(remaining))
					.header("x-ratelimit-limit-requests", Integer.toString(limit))
					.header("x-ratelimit-reset-requests", resetInMillis + "ms");
			}

		},

		/** Anthropic: the reset as an RFC 3339 timestamp. */
		ANTHROPIC {

			@Override
			void write(HttpServerResponse response, int remaining, int limit, long resetInMillis, long resetAtMillis) {
				response.header("anthropic-ratelimit-requests-remaining", Integer.toString(remaining))
					.header("anthropic-ratelimit-requests-limit", Integer.toString(limit))
					.header("anthropic-ratelimit-requests-reset", DateTimeFormatter.ISO_OFFSET_DATE_TIME
						.format(Instant.ofEpochMilli(resetAtMillis).atOffset(ZoneOffset.UTC)));
			}

		},

		/** The IETF draft's structured fields: the reset in whole seconds, rounded up. */
		IETF_STRUCTURED {

			@Override
			void write(HttpServerResponse response, int remaining, int limit, long resetInMillis, long resetAtMillis) {
				response.header("RateLimit", "\"default\";r=" + remaining + ";t=" + ((resetInMillis + 999) / 1000))
					.header("RateLimit-Policy", "\"default\";q=" + limit + ";w=1");
			}

		},

		/** The common headers: the reset in seconds from now, with a fraction. */
		X_RATELIMIT {

			@Override
			void write(HttpServerResponse response, int remaining, int limit, long resetInMillis, long resetAtMillis) {
				response.header("x-ratelimit-remaining", Integer.toString(remaining))
					.header("x-ratelimit-limit", Integer.toString(limit))
					.header("x-ratelimit-reset",
							(resetInMillis / 1000) + "." + String.format("%03d", resetInMillis % 1000));
			}

		};

		abstract void write(HttpServerResponse response, int remaining, int limit, long resetInMillis,
				long resetAtMillis);

	}

}
