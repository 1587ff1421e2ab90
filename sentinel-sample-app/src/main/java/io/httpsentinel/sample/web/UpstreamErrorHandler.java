package io.httpsentinel.sample.web;

import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.httpsentinel.SentinelException;
import io.httpsentinel.SentinelTimeoutException;
import io.httpsentinel.client.pool.PoolAcquireTimeoutException;
import io.httpsentinel.client.pool.PoolPendingLimitException;
import io.httpsentinel.resilience.CircuitOpenException;
import io.httpsentinel.resilience.HostPausedException;
import io.httpsentinel.resilience.RateLimitExceededException;

/**
 * Turns upstream failures into gateway statuses with a small problem-details body
 * ({@code application/problem+json}). The upstream's own status is never passed through:
 * a 401 from the upstream means this app's API key is wrong, not that our caller is
 * unauthorized. Upstream bodies and messages are logged rather than returned, since they
 * may reveal internals of the upstream.
 */
@RestControllerAdvice
public class UpstreamErrorHandler {

	private static final Log logger = LogFactory.getLog(UpstreamErrorHandler.class);

	/**
	 * Every pooled connection was busy: this app is overloaded, so ask callers to back
	 * off rather than blame the upstream.
	 */
	@ExceptionHandler({ PoolAcquireTimeoutException.class, PoolPendingLimitException.class })
	public ProblemDetail poolExhausted(SentinelException ex) {
		logger.warn(ex.getMessage());
		return problem(HttpStatus.SERVICE_UNAVAILABLE, "Too many concurrent upstream calls", ex.clientName());
	}

	/**
	 * The client refused to call the upstream (open circuit breaker, host pause, rate
	 * limit): answer at once, and say when to come back when the upstream said so.
	 */
	@ExceptionHandler({ CircuitOpenException.class, HostPausedException.class, RateLimitExceededException.class })
	public ResponseEntity<ProblemDetail> upstreamHeldBack(SentinelException ex) {
		logger.warn(ex.getMessage());
		ResponseEntity.BodyBuilder response = ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE);
		if (ex instanceof HostPausedException paused) {
			long seconds = Math.max(1, Duration.between(Instant.now(), paused.pausedUntil()).toSeconds());
			response.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
		}
		return response
			.body(problem(HttpStatus.SERVICE_UNAVAILABLE, "Upstream temporarily unavailable", ex.clientName()));
	}

	@ExceptionHandler
	public ProblemDetail timeout(SentinelTimeoutException ex) {
		logger.warn(ex.getMessage());
		return problem(HttpStatus.GATEWAY_TIMEOUT, "Upstream did not answer in time", ex.clientName());
	}

	@ExceptionHandler
	public ProblemDetail sentinelError(SentinelException ex) {
		logger.warn(ex.getMessage(), ex);
		return problem(HttpStatus.BAD_GATEWAY, "Upstream call failed", ex.clientName());
	}

	@ExceptionHandler
	public ProblemDetail upstreamStatus(WebClientResponseException ex) {
		// The message names status, method and URL, e.g. "401 Unauthorized from GET ...".
		logger.warn(ex.getMessage() + ": " + ex.getResponseBodyAsString());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY,
				"Upstream answered " + ex.getStatusCode().value());
		problem.setTitle("Upstream error");
		return problem;
	}

	@ExceptionHandler
	public ProblemDetail upstreamUnreachable(WebClientRequestException ex) {
		logger.warn("Upstream unreachable: " + ex.getMessage());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY, "Upstream unreachable");
		problem.setTitle("Upstream error");
		return problem;
	}

	private static ProblemDetail problem(HttpStatus status, String detail, String clientName) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle("Upstream error");
		problem.setProperty("client", clientName);
		return problem;
	}

}
