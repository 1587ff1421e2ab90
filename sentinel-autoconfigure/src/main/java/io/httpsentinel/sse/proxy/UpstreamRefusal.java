package io.httpsentinel.sse.proxy;

import java.time.Clock;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.UpstreamProblem;

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
	 * @see UpstreamProblem#of(Throwable, SentinelClient, Clock)
	 */
	static UpstreamRefusal of(Throwable error, SentinelClient client, Clock clock) {
		return of(UpstreamProblem.of(error, client, clock));
	}

	/**
	 * The refusal for an upstream response that is not an event stream.
	 * @param status the upstream's status
	 * @param headers the upstream's headers
	 * @param clock the wall clock
	 * @return the refusal
	 * @see UpstreamProblem#ofStatus(int, HttpHeaders, String, Clock)
	 */
	static UpstreamRefusal of(int status, HttpHeaders headers, Clock clock) {
		if (status == 204) {
			return new UpstreamRefusal(HttpStatus.NO_CONTENT, null, "No stream");
		}
		if (status >= 200 && status < 300) {
			return new UpstreamRefusal(HttpStatus.BAD_GATEWAY, null, "Upstream did not answer with an event stream");
		}
		return of(UpstreamProblem.ofStatus(status, headers, null, clock));
	}

	private static UpstreamRefusal of(UpstreamProblem problem) {
		return new UpstreamRefusal(problem.status(), problem.retryAfter(), problem.detail());
	}

	/**
	 * The response: the status, {@code Retry-After} in whole seconds (rounded up, at
	 * least 1), and a small {@code application/problem+json} body
	 * ({@link UpstreamProblem}).
	 * @return the response
	 */
	ResponseEntity<Flux<DataBuffer>> toResponse() {
		HttpHeaders headers = new HttpHeaders();
		if (this.status == HttpStatus.NO_CONTENT) {
			headers.setCacheControl("no-store");
			return new ResponseEntity<>(Flux.empty(), headers, this.status);
		}
		UpstreamProblem problem = new UpstreamProblem(this.status, this.retryAfter, this.detail, null);
		problem.applyHeaders(headers);
		DataBuffer body = DefaultDataBufferFactory.sharedInstance.wrap(problem.toJson(null));
		return new ResponseEntity<>(Flux.just(body), headers, this.status);
	}

}
