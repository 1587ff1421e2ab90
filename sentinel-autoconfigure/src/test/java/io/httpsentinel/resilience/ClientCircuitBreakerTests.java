package io.httpsentinel.resilience;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigurationProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link ClientCircuitBreaker}: permission and outcomes recorded without a
 * {@code Mono}, judged as the reactive path judges them, and its read-only view.
 */
class ClientCircuitBreakerTests {

	private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

	private final ClientCircuitBreaker breaker = breaker();

	private final CircuitBreaker state = this.breaker.resilience4j();

	@Test
	void aServerErrorIsAFailure() {
		this.breaker.acquirePermission();
		this.breaker.recordResponse(503);
		assertThat(this.state.getMetrics().getNumberOfFailedCalls()).isOne();
	}

	@Test
	void aClientErrorIsASuccess() {
		this.breaker.acquirePermission();
		this.breaker.recordResponse(429);
		assertThat(this.state.getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertThat(this.state.getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void anUpstreamErrorIsAFailure() {
		this.breaker.acquirePermission();
		this.breaker.recordError(new ConnectException("Connection refused"));
		assertThat(this.state.getMetrics().getNumberOfFailedCalls()).isOne();
	}

	@Test
	void anErrorThatSaysNothingAboutTheUpstreamIsNotAFailure() {
		this.breaker.acquirePermission();
		this.breaker.recordError(new IllegalStateException("bug"));
		assertThat(this.state.getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void anOpenBreakerRefusesWithCircuitOpen() {
		this.state.transitionToOpenState();
		assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(this.breaker::acquirePermission);
	}

	@Test
	void aDisabledBreakerLetsEverythingThroughAndRecordsNothing() {
		ClientCircuitBreaker disabled = ClientCircuitBreaker.disabled();
		assertThatNoException().isThrownBy(() -> {
			disabled.acquirePermission();
			disabled.recordResponse(500);
			disabled.recordError(new ConnectException("Connection refused"));
		});
		assertThat(disabled.resilience4j()).isNull();
	}

	@Test
	void theViewShowsTheStateAndFailureRateOfTheResilience4jInstance() {
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.breaker.failureRate()).isEqualTo(-1f);
		this.state.transitionToOpenState();
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void aResetClosesTheBreakerAndClearsItsWindow() {
		this.breaker.acquirePermission();
		this.breaker.recordResponse(503);
		this.state.transitionToOpenState();
		this.breaker.reset();
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.state.getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void aDisabledBreakerShowsAsDisabledWithoutFailureRate() {
		ClientCircuitBreaker disabled = ClientCircuitBreaker.disabled();
		assertThat(disabled.state()).isEqualTo(CircuitBreaker.State.DISABLED);
		assertThat(disabled.failureRate()).isEqualTo(-1f);
		assertThatNoException().isThrownBy(disabled::reset);
	}

	private ClientCircuitBreaker breaker() {
		Resilience4JConfigurationProperties properties = new Resilience4JConfigurationProperties();
		ReactiveResilience4JCircuitBreakerFactory factory = new ReactiveResilience4JCircuitBreakerFactory(
				CircuitBreakerRegistry.ofDefaults(), TimeLimiterRegistry.ofDefaults(), null, properties);
		CircuitBreakers.register(factory, properties, "upstream",
				CircuitBreakers.config(CircuitBreakerSettings.DEFAULTS, Duration.ofSeconds(60), this.clock));
		return CircuitBreakers.create(factory, "upstream");
	}

}
