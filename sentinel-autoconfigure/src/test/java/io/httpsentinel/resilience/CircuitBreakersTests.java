package io.httpsentinel.resilience;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.core.IntervalFunction;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientResponse;

import io.httpsentinel.client.pool.PoolAcquireTimeoutException;
import io.httpsentinel.client.pool.ResponseHeadersTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CircuitBreakers#config(CircuitBreakerSettings, Duration, Clock)}.
 */
class CircuitBreakersTests {

	private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

	private final CircuitBreakerConfig defaults = config(CircuitBreakerSettings.DEFAULTS, Duration.ofSeconds(60));

	@Test
	void windowIsTimeBased() {
		assertThat(this.defaults.getSlidingWindowType()).isEqualTo(SlidingWindowType.TIME_BASED);
	}

	@Test
	void defaultWindowSpansTwoResponseHeadersTimeouts() {
		assertThat(this.defaults.getSlidingWindowSize()).isEqualTo(120);
	}

	@Test
	void defaultWindowIsAtLeastThirtySeconds() {
		CircuitBreakerConfig config = config(CircuitBreakerSettings.DEFAULTS, Duration.ofSeconds(5));
		assertThat(config.getSlidingWindowSize()).isEqualTo(30);
	}

	@Test
	void configuredWindowWins() {
		CircuitBreakerSettings settings = CircuitBreakerSettings.INHERIT
			.orElse(new CircuitBreakerSettings(null, null, Duration.ofSeconds(45), null, null, null, null, null, null))
			.orElse(CircuitBreakerSettings.DEFAULTS);
		assertThat(config(settings, Duration.ofSeconds(60)).getSlidingWindowSize()).isEqualTo(45);
	}

	@Test
	void thresholdsComeFromTheSettings() {
		assertThat(this.defaults.getMinimumNumberOfCalls()).isEqualTo(20);
		assertThat(this.defaults.getFailureRateThreshold()).isEqualTo(50f);
		assertThat(this.defaults.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
		assertThat(this.defaults.getMaxWaitDurationInHalfOpenState()).isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void breakerRunsOnTheGivenClock() {
		assertThat(this.defaults.getClock()).isSameAs(this.clock);
	}

	@Test
	void longCallsAreNeverSlowCalls() {
		assertThat(this.defaults.getSlowCallDurationThreshold()).isGreaterThan(Duration.ofDays(365));
	}

	@Test
	void upstreamFailuresAreRecorded() {
		assertThat(this.defaults.getRecordExceptionPredicate()).accepts(new ConnectException("Connection refused"),
				new ResponseHeadersTimeoutException("llm", Duration.ofSeconds(60)));
	}

	@Test
	void localFailuresAreNotRecorded() {
		assertThat(this.defaults.getRecordExceptionPredicate()).rejects(
				new PoolAcquireTimeoutException("llm", Duration.ofSeconds(5), new TimeoutException()),
				new CircuitOpenException("llm", null), new IllegalStateException("bug"));
	}

	@Test
	void serverErrorResponsesAreRecorded() {
		assertThat(this.defaults.getRecordResultPredicate())
			.accepts(ClientResponse.create(HttpStatus.SERVICE_UNAVAILABLE).build());
	}

	@Test
	void clientErrorAndQuotaResponsesAreNotRecorded() {
		assertThat(this.defaults.getRecordResultPredicate()).rejects(
				ClientResponse.create(HttpStatus.TOO_MANY_REQUESTS).build(),
				ClientResponse.create(HttpStatus.NOT_FOUND).build(), ClientResponse.create(HttpStatus.OK).build());
	}

	@Test
	void waitInOpenIsConstantByDefault() {
		IntervalFunction wait = this.defaults.getWaitIntervalFunctionInOpenState();
		assertThat(wait.apply(1)).isEqualTo(30_000L);
		assertThat(wait.apply(2)).isEqualTo(30_000L);
		assertThat(wait.apply(5)).isEqualTo(30_000L);
	}

	@Test
	void waitInOpenGrowsByTheMultiplierUpToTheCap() {
		CircuitBreakerSettings settings = CircuitBreakerSettings.DEFAULTS.withWaitInOpen(Duration.ofSeconds(10), 2.0,
				Duration.ofSeconds(35));
		IntervalFunction wait = config(settings, Duration.ofSeconds(60)).getWaitIntervalFunctionInOpenState();
		assertThat(wait.apply(1)).isEqualTo(10_000L);
		assertThat(wait.apply(2)).isEqualTo(20_000L);
		assertThat(wait.apply(3)).isEqualTo(35_000L);
		assertThat(wait.apply(4)).isEqualTo(35_000L);
	}

	@Test
	void theSystemClockIsReadAsOfTheDeadlineWheelsLastTick() {
		CircuitBreakerConfig config = CircuitBreakers.config(CircuitBreakerSettings.DEFAULTS, Duration.ofSeconds(60),
				Clock.systemUTC());
		assertThat(config.getClock()).isSameAs(TickClock.UTC);
	}

	@Test
	void anyOtherClockIsReadAsItIs() {
		assertThat(this.defaults.getClock()).isSameAs(this.clock);
	}

	private CircuitBreakerConfig config(CircuitBreakerSettings settings, Duration responseHeaders) {
		return CircuitBreakers.config(settings, responseHeaders, this.clock);
	}

}
