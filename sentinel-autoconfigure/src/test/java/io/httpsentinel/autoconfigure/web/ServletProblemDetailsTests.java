package io.httpsentinel.autoconfigure.web;

import org.junit.jupiter.api.Test;

import io.httpsentinel.client.SentinelClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Problem details in a Spring MVC application on Tomcat: the common cases, and calls that
 * block the request's thread (a blocked {@code WebClient} call, the client's
 * {@code RestClient}); run on platform threads ({@link MvcProblemDetailsTests}) and on
 * virtual threads ({@link VirtualThreadMvcProblemDetailsTests}).
 */
abstract class ServletProblemDetailsTests extends ProblemDetailsTests {

	@Test
	void aBlockingCallFailingAfterItsRetriesIs502() throws Exception {
		ProblemApp.Answer answer = this.app.get("/blocking/up/fail");
		assertProblem(answer, 502, "Upstream answered 500", "up", "/blocking/up/fail");
		assertNothingOfTheUpstream(answer);
	}

	@Test
	void aBlockingCallWithoutAnswerIs504() throws Exception {
		assertProblem(this.app.get("/blocking/slow/stall"), 504, "Upstream did not answer in time", "slow",
				"/blocking/slow/stall");
	}

	@Test
	void aRestClientCallToAnOpenBreakerIs503WithItsWaitInOpen() throws Exception {
		SentinelClient open = this.app.client("open");
		open.circuitBreaker().resilience4j().transitionToOpenState();
		try {
			ProblemApp.Answer answer = this.app.get("/rest/open/ok");
			assertProblem(answer, 503, "Upstream circuit breaker open", "open", "/rest/open/ok");
			assertThat(answer.header("Retry-After")).isEqualTo("45");
		}
		finally {
			open.circuitBreaker().reset();
		}
	}

	@Test
	void aRestClientCallWithoutAnswerIs504() throws Exception {
		assertProblem(this.app.get("/rest/slow/stall"), 504, "Upstream did not answer in time", "slow",
				"/rest/slow/stall");
	}

	@Test
	void aRestClientCallToAnUnreachableUpstreamIs502() throws Exception {
		// The RestClient's I/O error keeps the request's URI in its causes.
		assertProblem(this.app.get("/rest/gone/ok"), 502, "Upstream unreachable", "gone", "/rest/gone/ok");
	}

	@Test
	void aRestClientErrorStatusCarriesNoUriAndIsLeftToTheApplication() throws Exception {
		// HttpServerErrorException names neither the client nor the request: see README.
		int before = this.app.upstreamRequests("/up/fail");
		assertApplicationError(this.app.get("/rest/up/fail"));
		assertThat(this.app.upstreamRequests("/up/fail") - before).as("first attempt and one retry").isEqualTo(2);
	}

}
