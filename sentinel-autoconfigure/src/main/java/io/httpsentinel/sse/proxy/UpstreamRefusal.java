package io.httpsentinel.sse.proxy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import io.httpsentinel.SentinelTimeoutException;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.pool.PoolAcquireTimeoutException;
import io.httpsentinel.client.pool.PoolPendingLimitException;
import io.httpsentinel.resilience.CircuitOpenException;
import io.httpsentinel.resilience.HostPausedException;
import io.httpsentinel.resilience.RateLimitExceededException;
import io.httpsentinel.resilience.RetryAfter;

/**
 * The response a downstream client gets when its stream cannot start: the upstream failed
 * or refused before its headers arrived, or the proxy holds the stream back. The
 * upstream's own status is never passed through (a 401 from the upstream means the
 * proxy's credentials are wrong, not the caller's): 503 when the upstream or the proxy
 * asks for a pause (with {@code Retry-After} when the wait is known), 504 on a timeout,
 * 502 otherwise, and 204 when the upstream answered 204 (which tells an
 * {@code EventSource} not to reconnect).
 *
 * @param status the status to answer with
 * @param retryAfter the wait to announce, or {@code null}
 * @param detail a short description for the problem document
 */
record UpstreamRefusal(HttpStatus status, @Nullable Duration retryAfter, String detail) {

	/**
	 * The refusal for a stream over {@code max-streams}.
	 * @return the refusal
	 */
	static UpstreamRefusal tooManyStreams() {
		return new UpstreamRefusal(HttpStatus.SERVICE_UNAVAILABLE, Duration.ofSeconds(1), "Too many open streams");
	}

	/**
	 * The refusal for a stream asked for while the application shuts down.
	 * @return the refusal
	 */
	static UpstreamRefusal shuttingDown() {
		return new UpstreamRefusal(HttpStatus.SERVICE_UNAVAILABLE, Duration.ofSeconds(1), "Shutting down");
	}

	/**
	 * The refusal for an error before the upstream's headers arrived.
	 * @param error the error
	 * @param client the client
	 * @param clock the wall clock
	 * @return the refusal
	 */
	static UpstreamRefusal of(Throwable error, SentinelClient client, Clock clock) {
		if (error instanceof CircuitOpenException) {
			// How long the breaker stays open is not exposed; it is at least this.
			return unavailable(client.settings().circuitBreaker().waitInOpen(), "Upstream circuit breaker open");
		}
		if (error instanceof HostPausedException paused) {
			return unavailable(Duration.between(clock.instant(), paused.pausedUntil()), "Upstream asked for a pause");
		}
		if (error instanceof RateLimitExceededException limited) {
			return unavailable(limited.wouldWait(), "Upstream rate limit reached");
		}
		if (error instanceof PoolAcquireTimeoutException || error instanceof PoolPendingLimitException) {
			return new UpstreamRefusal(HttpStatus.SERVICE_UNAVAILABLE, null, "Too many concurrent upstream calls");
		}
		if (error instanceof SentinelTimeoutException) {
			return new UpstreamRefusal(HttpStatus.GATEWAY_TIMEOUT, null, "Upstream did not answer in time");
		}
		return new UpstreamRefusal(HttpStatus.BAD_GATEWAY, null, "Upstream unreachable");
	}

	/**
	 * The refusal for an upstream response that is not an event stream.
	 * @param status the upstream's status
	 * @param headers the upstream's headers
	 * @param clock the wall clock
	 * @return the refusal
	 */
	static UpstreamRefusal of(int status, HttpHeaders headers, Clock clock) {
		if (status == 204) {
			return new UpstreamRefusal(HttpStatus.NO_CONTENT, null, "No stream");
		}
		if (status == 429 || status == 503) {
			return new UpstreamRefusal(HttpStatus.SERVICE_UNAVAILABLE, RetryAfter.of(headers, clock).orElse(null),
					"Upstream unavailable");
		}
		if (status >= 200 && status < 300) {
			return new UpstreamRefusal(HttpStatus.BAD_GATEWAY, null, "Upstream did not answer with an event stream");
		}
		return new UpstreamRefusal(HttpStatus.BAD_GATEWAY, null, "Upstream answered " + status);
	}

	private static UpstreamRefusal unavailable(Duration wait, String detail) {
		return new UpstreamRefusal(HttpStatus.SERVICE_UNAVAILABLE, wait, detail);
	}

	/**
	 * The response: the status, {@code Retry-After} in whole seconds (rounded up, at
	 * least 1), and a small {@code application/problem+json} body.
	 * @return the response
	 */
	ResponseEntity<Flux<DataBuffer>> toResponse() {
		HttpHeaders headers = new HttpHeaders();
		headers.setCacheControl("no-store");
		if (this.retryAfter != null) {
			long millis = Math.max(0, this.retryAfter.toMillis());
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (millis + 999) / 1000)));
		}
		if (this.status == HttpStatus.NO_CONTENT) {
			return new ResponseEntity<>(Flux.empty(), headers, this.status);
		}
		headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		String problem = "{\"title\":\"" + this.status.getReasonPhrase() + "\",\"status\":" + this.status.value()
				+ ",\"detail\":\"" + this.detail + "\"}";
		DataBuffer body = DefaultDataBufferFactory.sharedInstance.wrap(problem.getBytes(StandardCharsets.UTF_8));
		return new ResponseEntity<>(Flux.just(body), headers, this.status);
	}

}
