package io.httpsentinel.sample.web;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.http.ProblemDetail;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.client.pool.PoolAcquireTimeoutException;
import io.httpsentinel.client.pool.PoolPendingLimitException;
import io.httpsentinel.client.pool.ReadIdleTimeoutException;
import io.httpsentinel.client.pool.ResponseHeadersTimeoutException;
import io.httpsentinel.resilience.ResponseTooLargeException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which status each Sentinel error becomes. The end-to-end tests cover the upstream
 * answering an error status; these cover failures the demo upstream cannot provoke yet.
 */
class UpstreamErrorHandlerTests {

	private final UpstreamErrorHandler handler = new UpstreamErrorHandler();

	@Test
	void upstreamTooSlowToAnswerIsAGatewayTimeout() {
		ProblemDetail problem = this.handler
			.timeout(new ResponseHeadersTimeoutException("weather", Duration.ofSeconds(5)));
		assertThat(problem.getStatus()).isEqualTo(504);
		assertThat(problem.getProperties()).containsEntry("client", "weather");
	}

	@Test
	void bodyStallingMidwayIsAGatewayTimeout() {
		ProblemDetail problem = this.handler.timeout(new ReadIdleTimeoutException("weather", Duration.ofSeconds(10)));
		assertThat(problem.getStatus()).isEqualTo(504);
	}

	@Test
	void exhaustedPoolIsServiceUnavailable() {
		RuntimeException cause = new RuntimeException("pool");
		assertThat(this.handler.poolExhausted(new PoolAcquireTimeoutException("weather", Duration.ofSeconds(2), cause))
			.getStatus()).isEqualTo(503);
		assertThat(this.handler.poolExhausted(new PoolPendingLimitException("weather", 100, cause)).getStatus())
			.isEqualTo(503);
	}

	@Test
	void otherSentinelErrorsAreABadGateway() {
		ProblemDetail problem = this.handler.sentinelError(
				new ResponseTooLargeException("weather", DataSize.ofMegabytes(1), new RuntimeException("too big")));
		assertThat(problem.getStatus()).isEqualTo(502);
		assertThat(problem.getProperties()).containsEntry("client", "weather");
	}

}
