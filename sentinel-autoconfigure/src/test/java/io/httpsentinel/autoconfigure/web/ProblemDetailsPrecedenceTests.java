package io.httpsentinel.autoconfigure.web;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.httpsentinel.autoconfigure.web.ProblemApp.Answer;
import io.httpsentinel.client.SentinelClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The problem details give way to the application: an advice of its own for every
 * exception wins, and {@code sentinel.web.problem-details.enabled=false} leaves
 * Sentinel's errors to the application's error handling — in Spring MVC and in WebFlux.
 */
class ProblemDetailsPrecedenceTests {

	private ProblemApp app;

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void anAdviceOfTheApplicationForEveryExceptionWins(boolean servlet) throws Exception {
		this.app = builder(servlet).with(ProblemControllers.CatchAllAdvice.class).start();
		Answer failed = this.app.get("/call/up/fail");
		assertThat(failed.status()).isEqualTo(418);
		assertThat(failed.body()).isEqualTo("handled by the advice");
		SentinelClient open = this.app.client("open");
		open.circuitBreaker().resilience4j().transitionToOpenState();
		assertThat(this.app.get("/call/open/ok").body()).isEqualTo("handled by the advice");
		assertThat(this.app.get("/local/open/ok").body()).as("the controller's own handler comes first")
			.isEqualTo("handled by the controller");
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void switchedOffSentinelsErrorsGoToTheApplicationsErrorHandling(boolean servlet) throws Exception {
		this.app = builder(servlet).properties("sentinel.web.problem-details.enabled=false").start();
		ProblemDetailsTests.assertApplicationError(this.app.get("/call/up/fail"));
		this.app.client("open").circuitBreaker().resilience4j().transitionToOpenState();
		ProblemDetailsTests.assertApplicationError(this.app.get("/call/open/ok"));
	}

	private static ProblemApp.Builder builder(boolean servlet) {
		return servlet ? ProblemApp.servlet() : ProblemApp.reactive();
	}

}
