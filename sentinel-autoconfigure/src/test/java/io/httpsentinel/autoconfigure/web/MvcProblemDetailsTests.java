package io.httpsentinel.autoconfigure.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Problem details in a Spring MVC application whose requests run on platform threads.
 */
class MvcProblemDetailsTests extends ServletProblemDetailsTests {

	@Override
	ProblemApp.Builder application() {
		return ProblemApp.servlet();
	}

	@Test
	void requestsRunOnPlatformThreads() throws Exception {
		assertThat(this.app.get("/thread").body()).doesNotStartWith("VirtualThread");
	}

}
