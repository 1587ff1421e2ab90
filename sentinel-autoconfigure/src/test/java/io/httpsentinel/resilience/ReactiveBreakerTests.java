package io.httpsentinel.resilience;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigurationProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReactiveBreaker}: Resilience4j's instance asked directly when Spring
 * Cloud adds nothing to it, Spring Cloud's operators when it does, the same instance and
 * customizers either way.
 */
class ReactiveBreakerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final Resilience4JConfigurationProperties properties = new Resilience4JConfigurationProperties();

	private final TimeLimiterRegistry timeLimiters = TimeLimiterRegistry.ofDefaults();

	private final ReactiveResilience4JCircuitBreakerFactory factory = new ReactiveResilience4JCircuitBreakerFactory(
			CircuitBreakerRegistry.ofDefaults(), this.timeLimiters, null, this.properties);

	@Test
	void sentinelsConfigurationAsksTheInstanceDirectlyAndCustomizersStillApply() {
		AtomicInteger successes = new AtomicInteger();
		this.factory.addCircuitBreakerCustomizer(
				(instance) -> instance.getEventPublisher().onSuccess((event) -> successes.incrementAndGet()),
				"upstream");
		ClientCircuitBreaker breaker = breaker();
		ReactiveBreaker reactive = CircuitBreakers.reactive(this.factory, "upstream", breaker);
		assertThat(reactive.isDirect()).isTrue();
		StepVerifier.create(reactive.protect(Mono.just("response")))
			.expectNext("response")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(breaker.resilience4j().getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertThat(successes).hasPositiveValue();
	}

	@Test
	void anOpenBreakerFailsFastWithCircuitOpen() {
		ClientCircuitBreaker breaker = breaker();
		ReactiveBreaker reactive = CircuitBreakers.reactive(this.factory, "upstream", breaker);
		breaker.resilience4j().transitionToOpenState();
		StepVerifier.create(reactive.protect(Mono.just("response")))
			.expectError(CircuitOpenException.class)
			.verify(TIMEOUT);
	}

	@Test
	void aTimeLimiterTheApplicationConfiguredStillApplies() {
		this.properties.getDisableTimeLimiterMap().put("upstream", false);
		this.timeLimiters.addConfiguration("upstream",
				TimeLimiterConfig.custom().timeoutDuration(Duration.ofMillis(200)).build());
		ClientCircuitBreaker breaker = breaker();
		ReactiveBreaker reactive = CircuitBreakers.reactive(this.factory, "upstream", breaker);
		assertThat(reactive.isDirect()).isFalse();
		StepVerifier.create(reactive.protect(Mono.never())).expectError(TimeoutException.class).verify(TIMEOUT);
	}

	@Test
	void aClientWithoutBreakerLetsEveryAttemptThrough() {
		ReactiveBreaker reactive = CircuitBreakers.reactive(this.factory, "upstream", ClientCircuitBreaker.disabled());
		Mono<String> attempt = Mono.just("response");
		assertThat(reactive.protect(attempt)).isSameAs(attempt);
	}

	private ClientCircuitBreaker breaker() {
		CircuitBreakers.register(this.factory, this.properties, "upstream",
				CircuitBreakers.config(CircuitBreakerSettings.DEFAULTS, Duration.ofSeconds(60), Clock.systemUTC()));
		return CircuitBreakers.create(this.factory, "upstream");
	}

}
