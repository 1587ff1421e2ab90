package io.httpsentinel.autoconfigure.web;

import org.junit.jupiter.api.Test;

/**
 * Problem details in a Spring MVC application on Tomcat: the common cases, and calls that
 * block the request's thread; run on platform threads ({@link MvcProblemDetailsTests})
 * and on virtual threads ({@link VirtualThreadMvcProblemDetailsTests}).
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

}
