package io.httpsentinel.autoconfigure.web;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import io.httpsentinel.autoconfigure.web.ProblemApp.Answer;
import io.httpsentinel.client.SentinelClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sentinel's errors reaching a controller of a real application, answered with problem
 * details; run by {@link MvcProblemDetailsTests}, {@link WebFluxProblemDetailsTests} and
 * {@link VirtualThreadMvcProblemDetailsTests} against one application each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProblemDetailsTests {

	ProblemApp app;

	/** The application under test. */
	abstract ProblemApp.Builder application();

	@BeforeAll
	void start() {
		this.app = application().start();
	}

	@AfterAll
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void anOpenCircuitBreakerIs503WithItsWaitInOpen() throws Exception {
		SentinelClient open = this.app.client("open");
		open.circuitBreaker().resilience4j().transitionToOpenState();
		try {
			Answer answer = this.app.get("/call/open/ok");
			assertProblem(answer, 503, "Upstream circuit breaker open", "open", "/call/open/ok");
			assertThat(answer.header("Retry-After")).isEqualTo("45");
			assertThat(this.app.upstreamRequests("/open/ok")).isZero();
		}
		finally {
			open.circuitBreaker().reset();
		}
	}

	@Test
	void aHostAskingForAPauseIs503WithTheTimeLeft() throws Exception {
		SentinelClient paused = this.app.client("paused");
		try {
			Answer first = this.app.get("/call/paused/busy");
			assertProblem(first, 503, "Upstream unavailable", "paused", "/call/paused/busy");
			assertThat(first.header("Retry-After")).isEqualTo("3600");
			assertThat(paused.hostPause().pausedUntil()).isNotNull();
			Answer next = this.app.get("/call/paused/ok");
			assertProblem(next, 503, "Upstream asked for a pause", "paused", "/call/paused/ok");
			assertThat(Integer.parseInt(next.header("Retry-After"))).isBetween(3500, 3600);
			assertThat(this.app.upstreamRequests("/paused/ok")).isZero();
		}
		finally {
			paused.hostPause().resume();
		}
	}

	@Test
	void aRateLimitThatWouldWaitTooLongIs503WithTheWait() throws Exception {
		assertThat(this.app.get("/call/limited/ok").status()).isEqualTo(200);
		Answer limited = this.app.get("/call/limited/ok");
		assertProblem(limited, 503, "Upstream rate limit reached", "limited", "/call/limited/ok");
		assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(30, 60);
		assertThat(this.app.upstreamRequests("/limited/ok")).isOne();
	}

	@Test
	void anExhaustedPoolIs503AndACallWithoutAnswerIs504() throws Exception {
		CompletableFuture<Answer> holdingTheConnection = this.app.getLater("/call/pool/stall");
		awaitUpstreamRequest("/pool/stall");
		Answer queued = this.app.get("/call/pool/ok");
		assertProblem(queued, 503, "Too many concurrent upstream calls", "pool", "/call/pool/ok");
		assertThat(queued.header("Retry-After")).isNull();
		Answer stalled = holdingTheConnection.get(30, TimeUnit.SECONDS);
		assertProblem(stalled, 504, "Upstream did not answer in time", "pool", "/call/pool/stall");
		assertThat(stalled.header("Retry-After")).isNull();
	}

	@Test
	void noResponseHeadersInTimeIs504() throws Exception {
		assertProblem(this.app.get("/call/slow/stall"), 504, "Upstream did not answer in time", "slow",
				"/call/slow/stall");
	}

	@Test
	void anUpstreamFailingAfterItsRetriesIs502WithNothingOfTheUpstream() throws Exception {
		int before = this.app.upstreamRequests("/up/fail");
		Answer answer = this.app.get("/call/up/fail");
		assertProblem(answer, 502, "Upstream answered 500", "up", "/call/up/fail");
		assertThat(this.app.upstreamRequests("/up/fail") - before).as("first attempt and one retry").isEqualTo(2);
		assertNothingOfTheUpstream(answer);
	}

	@Test
	void anUnreachableUpstreamIs502() throws Exception {
		Answer answer = this.app.get("/call/gone/ok");
		assertProblem(answer, 502, "Upstream unreachable", "gone", "/call/gone/ok");
		assertNothingOfTheUpstream(answer);
	}

	@Test
	void aResponseOverMaxResponseSizeIs502() throws Exception {
		assertProblem(this.app.get("/call/small/big"), 502, "Upstream response too large", "small", "/call/small/big");
	}

	@Test
	void anErrorOfTheApplicationsOwnIsLeftToItsErrorHandling() throws Exception {
		assertApplicationError(this.app.get("/fails"));
	}

	@Test
	void anUpstreamStatusOfACallNoClientsBaseUrlCoversIsLeftToTheApplication() throws Exception {
		assertApplicationError(this.app.get("/other"));
		assertThat(this.app.upstreamRequests("/elsewhere/fail")).isOne();
	}

	@Test
	void aStreamAlreadyCommittedIsLeftAlone() throws Exception {
		SentinelClient open = this.app.client("open");
		open.circuitBreaker().resilience4j().transitionToOpenState();
		try {
			Answer answer = this.app.getStream("/stream/open/ok");
			assertThat(answer.status()).isEqualTo(200);
			assertThat(answer.header("Content-Type")).startsWith("text/event-stream");
			assertThat(answer.body()).startsWith("data:first").doesNotContain("about:blank");
		}
		finally {
			open.circuitBreaker().reset();
		}
	}

	@Test
	void anExceptionHandlerOfTheControllerWins() throws Exception {
		SentinelClient open = this.app.client("open");
		open.circuitBreaker().resilience4j().transitionToOpenState();
		try {
			Answer answer = this.app.get("/local/open/ok");
			assertThat(answer.status()).isEqualTo(418);
			assertThat(answer.body()).isEqualTo("handled by the controller");
		}
		finally {
			open.circuitBreaker().reset();
		}
	}

	void awaitUpstreamRequest(String path) {
		await().atMost(Duration.ofSeconds(10)).until(() -> this.app.upstreamRequests(path) > 0);
	}

	static void assertProblem(Answer answer, int status, String detail, String client, String instance) {
		assertThat(answer.status()).as(answer.body()).isEqualTo(status);
		assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
		assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
		JsonNode problem = answer.json();
		assertThat(problem.get("type").asString()).isEqualTo("about:blank");
		assertThat(problem.get("title").asString())
			.isEqualTo((status == 503) ? "Service Unavailable" : (status == 504) ? "Gateway Timeout" : "Bad Gateway");
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("detail").asString()).isEqualTo(detail);
		assertThat(problem.get("instance").asString()).isEqualTo(instance);
		assertThat(problem.get("client").asString()).isEqualTo(client);
		assertThat(problem.propertyNames()).containsExactly("type", "title", "status", "detail", "instance", "client");
	}

	static void assertNothingOfTheUpstream(Answer answer) {
		assertThat(answer.body()).doesNotContain(ProblemApp.UPSTREAM_SECRET)
			.doesNotContain(ProblemApp.QUERY_SECRET)
			.doesNotContain("127.0.0.1")
			.doesNotContain("Exception")
			.doesNotContain("\tat ");
		assertThat(answer.headers().map().toString()).doesNotContain(ProblemApp.UPSTREAM_SECRET)
			.doesNotContain(ProblemApp.QUERY_SECRET);
	}

	static void assertApplicationError(Answer answer) {
		assertThat(answer.status()).isEqualTo(500);
		assertThat(answer.header("Content-Type")).doesNotContain("problem");
		assertThat(answer.json().get("status").asInt()).isEqualTo(500);
	}

}
