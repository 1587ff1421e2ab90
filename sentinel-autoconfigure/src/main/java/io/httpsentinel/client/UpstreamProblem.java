package io.httpsentinel.client;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.client.RestClientException;
import org.springframework.web.reactive.function.client.WebClientException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.httpsentinel.SentinelException;
import io.httpsentinel.SentinelTimeoutException;
import io.httpsentinel.client.pool.PoolAcquireTimeoutException;
import io.httpsentinel.client.pool.PoolPendingLimitException;
import io.httpsentinel.resilience.CircuitOpenException;
import io.httpsentinel.resilience.HostPausedException;
import io.httpsentinel.resilience.NoBackendAvailableException;
import io.httpsentinel.resilience.RateLimitExceededException;
import io.httpsentinel.resilience.ResponseTooLargeException;
import io.httpsentinel.resilience.RetryAfter;
import io.httpsentinel.sse.SseResponseException;

/**
 * The HTTP answer for a failed upstream call of a Sentinel client, as an RFC 9457 problem
 * document: 503 when the client holds the call back or the upstream asks for a pause
 * (open breaker, host pause, rate limit, exhausted pool, no backend to send to, an
 * upstream 429 or 503), with {@code Retry-After} when the wait is known; 504 on a
 * timeout; 502 for any other failure of the upstream. The upstream's own status, body,
 * URL and headers are never passed on: a 401 from the upstream means the application's
 * credentials are wrong, not its caller's, and an upstream's error document may reveal
 * its internals. Sentinel's {@code SseProxy} and its problem-details handlers for Spring
 * MVC and WebFlux answer with it.
 *
 * @param status the status to answer with
 * @param retryAfter the wait to announce, or {@code null} when unknown
 * @param detail a short description of the problem, without anything of the upstream's
 * answer
 * @param clientName the name of the client whose call failed, or {@code null}
 */
public record UpstreamProblem(HttpStatus status, @Nullable Duration retryAfter, String detail,
		@Nullable String clientName) {

	/** How deep {@link #find} looks into the causes of wrapping exceptions. */
	private static final int MAX_CAUSE_DEPTH = 8;

	/**
	 * The answer for an error of a call made with {@code client}; anything not recognized
	 * is an unreachable upstream (502).
	 * @param error the error of the call
	 * @param client the client that made the call
	 * @param clock the wall clock, to turn a pause's end into a wait
	 * @return the answer
	 */
	public static UpstreamProblem of(Throwable error, SentinelClient client, Clock clock) {
		if (error instanceof SentinelException sentinel) {
			return of(sentinel, client, clock);
		}
		return new UpstreamProblem(HttpStatus.BAD_GATEWAY, null, "Upstream unreachable", client.name());
	}

	/**
	 * The answer for an error that reached a controller, if the error is Sentinel's: a
	 * {@link SentinelException} (except an {@link UnknownClientException}, which is a
	 * mistake of the application's), or a {@link WebClientResponseException} or
	 * {@link WebClientRequestException} of a request under a client's base URL (same
	 * scheme, host and port; the path at or below the base URL's). Either one may be
	 * wrapped in Spring's client exceptions ({@link RestClientException},
	 * {@link WebClientException}), in an {@link IOException} (as a {@code RestClient}'s
	 * request factory may throw it) or in {@link CompletionException},
	 * {@link ExecutionException} or {@link UndeclaredThrowableException}; an exception of
	 * any other type, whatever its cause, is the application's and not mapped.
	 * @param error the error
	 * @param clients the configured clients
	 * @param clock the wall clock, to turn a pause's end or an HTTP-date into a wait
	 * @return the answer, or empty when the error is not Sentinel's
	 */
	public static Optional<UpstreamProblem> find(Throwable error, SentinelClients clients, Clock clock) {
		Throwable candidate = error;
		WebClientException transportOrStatus = null;
		for (int depth = 0; candidate != null && depth < MAX_CAUSE_DEPTH; depth++) {
			if (candidate instanceof UnknownClientException) {
				return Optional.empty();
			}
			if (candidate instanceof SentinelException sentinel) {
				return Optional.of(of(sentinel, clients.find(sentinel.clientName()).orElse(null), clock));
			}
			if (candidate instanceof UpstreamIOException io) {
				// A client's RestClient call: the client is named, whatever host it
				// shares.
				return Optional
					.of(new UpstreamProblem(HttpStatus.BAD_GATEWAY, null, "Upstream unreachable", io.clientName()));
			}
			if (transportOrStatus == null && (candidate instanceof WebClientResponseException
					|| candidate instanceof WebClientRequestException)) {
				// Its cause may still be one of Sentinel's, which says more.
				transportOrStatus = (WebClientException) candidate;
			}
			if (!isWrapper(candidate)) {
				break;
			}
			candidate = candidate.getCause();
		}
		if (transportOrStatus instanceof WebClientResponseException response) {
			HttpRequest request = response.getRequest();
			SentinelClient client = (request != null) ? BaseUrls.clientOf(request.getURI(), clients) : null;
			return Optional.ofNullable(client)
				.map((owner) -> ofStatus(response.getStatusCode().value(), response.getHeaders(), owner.name(), clock));
		}
		if (transportOrStatus instanceof WebClientRequestException request) {
			return Optional.ofNullable(BaseUrls.clientOf(request.getUri(), clients))
				.map((owner) -> new UpstreamProblem(HttpStatus.BAD_GATEWAY, null, "Upstream unreachable",
						owner.name()));
		}
		return Optional.empty();
	}

	/**
	 * The answer for an upstream that answered an error status (after any retries): 503
	 * with the upstream's {@code Retry-After} for a 429 or 503, 502 otherwise.
	 * @param status the upstream's status
	 * @param headers the upstream's headers (only its {@code Retry-After} is read)
	 * @param clientName the client's name, or {@code null}
	 * @param clock the wall clock, to turn an HTTP-date into a wait
	 * @return the answer
	 */
	public static UpstreamProblem ofStatus(int status, HttpHeaders headers, @Nullable String clientName, Clock clock) {
		if (status == 429 || status == 503) {
			return new UpstreamProblem(HttpStatus.SERVICE_UNAVAILABLE, RetryAfter.of(headers, clock).orElse(null),
					"Upstream unavailable", clientName);
		}
		return new UpstreamProblem(HttpStatus.BAD_GATEWAY, null, "Upstream answered " + status, clientName);
	}

	private static UpstreamProblem of(SentinelException error, @Nullable SentinelClient client, Clock clock) {
		String name = error.clientName();
		if (error instanceof CircuitOpenException) {
			// How long the breaker stays open this time is not exposed; this is its
			// configured wait.
			Duration wait = (client != null) ? client.settings().circuitBreaker().waitInOpen() : null;
			return new UpstreamProblem(HttpStatus.SERVICE_UNAVAILABLE, wait, "Upstream circuit breaker open", name);
		}
		if (error instanceof HostPausedException paused) {
			return new UpstreamProblem(HttpStatus.SERVICE_UNAVAILABLE,
					Duration.between(clock.instant(), paused.pausedUntil()), "Upstream asked for a pause", name);
		}
		if (error instanceof RateLimitExceededException limited) {
			return new UpstreamProblem(HttpStatus.SERVICE_UNAVAILABLE, limited.wouldWait(),
					"Upstream rate limit reached", name);
		}
		if (error instanceof PoolAcquireTimeoutException || error instanceof PoolPendingLimitException) {
			return new UpstreamProblem(HttpStatus.SERVICE_UNAVAILABLE, null, "Too many concurrent upstream calls",
					name);
		}
		if (error instanceof NoBackendAvailableException) {
			// Nothing was sent: discovery knows no instance now. When one comes is not
			// known, so no Retry-After.
			return new UpstreamProblem(HttpStatus.SERVICE_UNAVAILABLE, null, "No upstream backend available", name);
		}
		if (error instanceof SentinelTimeoutException) {
			return new UpstreamProblem(HttpStatus.GATEWAY_TIMEOUT, null, "Upstream did not answer in time", name);
		}
		if (error instanceof SseResponseException refused) {
			return (refused.status() >= 200 && refused.status() < 300) ? new UpstreamProblem(HttpStatus.BAD_GATEWAY,
					null, "Upstream did not answer with an event stream", name)
					: ofStatus(refused.status(), HttpHeaders.EMPTY, name, clock);
		}
		if (error instanceof ResponseTooLargeException) {
			return new UpstreamProblem(HttpStatus.BAD_GATEWAY, null, "Upstream response too large", name);
		}
		return new UpstreamProblem(HttpStatus.BAD_GATEWAY, null, "Upstream call failed", name);
	}

	private static boolean isWrapper(Throwable error) {
		return error instanceof WebClientException || error instanceof RestClientException
				|| error instanceof IOException || error instanceof CompletionException
				|| error instanceof ExecutionException || error instanceof UndeclaredThrowableException;
	}

	/**
	 * The problem's title: the status's reason phrase, as for a problem of type
	 * {@code about:blank}.
	 * @return the title
	 */
	public String title() {
		return this.status.getReasonPhrase();
	}

	/**
	 * The {@code Retry-After} value: the wait in whole seconds, rounded up, at least 1.
	 * @return the value, or {@code null} when the wait is unknown
	 */
	public @Nullable String retryAfterHeaderValue() {
		if (this.retryAfter == null) {
			return null;
		}
		long millis = Math.max(0, this.retryAfter.toMillis());
		return Long.toString(Math.max(1, (millis + 999) / 1000));
	}

	/**
	 * Set the headers of the answer: {@code Content-Type: application/problem+json},
	 * {@code Cache-Control: no-store} and {@code Retry-After} when the wait is known.
	 * @param headers the response headers to set
	 */
	public void applyHeaders(HttpHeaders headers) {
		headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		headers.setCacheControl("no-store");
		String retryAfter = retryAfterHeaderValue();
		if (retryAfter != null) {
			headers.set(HttpHeaders.RETRY_AFTER, retryAfter);
		}
	}

	/**
	 * The problem document as Spring's {@link ProblemDetail}, with the client's name as
	 * property {@code client}; for an application's own exception handler.
	 * @param instance the request's path, or {@code null}
	 * @return the problem detail
	 */
	public ProblemDetail toProblemDetail(@Nullable URI instance) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(this.status, this.detail);
		problem.setInstance(instance);
		if (this.clientName != null) {
			problem.setProperty("client", this.clientName);
		}
		return problem;
	}

	/**
	 * The problem document in JSON ({@code application/problem+json}, UTF-8): members
	 * {@code type} ({@code about:blank}), {@code title}, {@code status}, {@code detail},
	 * {@code instance} when given and {@code client} when known — as Spring writes a
	 * {@link ProblemDetail}.
	 * @param instance the request's path, or {@code null}
	 * @return the document's bytes
	 */
	public byte[] toJson(@Nullable String instance) {
		StringBuilder json = new StringBuilder(192).append("{\"type\":\"about:blank\",\"title\":");
		JsonStrings.append(json, title());
		json.append(",\"status\":").append(this.status.value()).append(",\"detail\":");
		JsonStrings.append(json, this.detail);
		if (instance != null) {
			json.append(",\"instance\":");
			JsonStrings.append(json, instance);
		}
		if (this.clientName != null) {
			json.append(",\"client\":");
			JsonStrings.append(json, this.clientName);
		}
		return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
	}

}
