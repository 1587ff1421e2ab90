package io.httpsentinel.autoconfigure.web;

import java.time.Clock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.client.UpstreamProblem;

/**
 * What both problem-details handlers share: the error mapped to its
 * {@link UpstreamProblem}, and one log line for it, since the error no longer reaches the
 * application's default error handling (which would log it). The line names the client,
 * the exception type and the answer, never the exception's message: for an upstream
 * status that message holds the upstream's URL, query string included.
 */
final class ProblemDetailsMapping {

	private static final Log logger = LogFactory.getLog(ProblemDetailsMapping.class);

	private final SentinelClients clients;

	private final Clock clock;

	ProblemDetailsMapping(SentinelClients clients, Clock clock) {
		this.clients = clients;
		this.clock = clock;
	}

	/**
	 * The answer for an error that reached the web layer.
	 * @param error the error
	 * @param method the request's method
	 * @param path the request's path
	 * @return the answer, or {@code null} when the error is not Sentinel's
	 */
	@Nullable UpstreamProblem map(Throwable error, String method, String path) {
		UpstreamProblem problem = UpstreamProblem.find(error, this.clients, this.clock).orElse(null);
		if (problem != null) {
			log(problem, error, method, path);
		}
		return problem;
	}

	private static void log(UpstreamProblem problem, Throwable error, String method, String path) {
		// A held-back call (open breaker, pause, rate limit, full pool) is the resilience
		// working as configured: the client's meters count it. A 502 or 504 is a
		// failure someone may need to look at.
		boolean expected = problem.status() == HttpStatus.SERVICE_UNAVAILABLE;
		if (expected ? logger.isDebugEnabled() : logger.isWarnEnabled()) {
			String message = "Answered " + method + " " + path + " with " + problem.status().value() + " ("
					+ problem.detail() + ") for " + error.getClass().getName() + " of Sentinel client '"
					+ problem.clientName() + "'";
			if (expected) {
				logger.debug(message);
			}
			else {
				logger.warn(message);
			}
		}
		if (logger.isTraceEnabled()) {
			logger.trace("Error answered with a problem document", error);
		}
	}

}
