package io.httpsentinel.resilience;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MonoBreaker}: one permission per subscription, and exactly one outcome
 * recorded for it, as Resilience4j's own reactive operator records them.
 */
class MonoBreakerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final CircuitBreaker breaker = CircuitBreaker.of("upstream",
			CircuitBreakerConfig.custom()
				.slidingWindowType(SlidingWindowType.COUNT_BASED)
				.slidingWindowSize(10)
				.minimumNumberOfCalls(10)
				.permittedNumberOfCallsInHalfOpenState(1)
				.recordResult("bad"::equals)
				.build());

	private final List<String> events = new ArrayList<>();

	MonoBreakerTests() {
		this.breaker.getEventPublisher().onEvent((event) -> this.events.add(event.getEventType().name()));
	}

	@Test
	void aValueIsRecordedAsTheResult() {
		StepVerifier.create(protect(Mono.just("good"))).expectNext("good").expectComplete().verify(TIMEOUT);
		StepVerifier.create(protect(Mono.just("bad"))).expectNext("bad").expectComplete().verify(TIMEOUT);
		assertThat(this.breaker.getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isOne();
		assertThat(this.events).containsExactly("SUCCESS", "ERROR");
	}

	@Test
	void anErrorIsRecordedAndPassedOn() {
		StepVerifier.create(protect(Mono.error(new IOException("reset")))).expectErrorMessage("reset").verify(TIMEOUT);
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isOne();
	}

	@Test
	void completingEmptyIsASuccess() {
		StepVerifier.create(protect(Mono.empty())).expectComplete().verify(TIMEOUT);
		assertThat(this.breaker.getMetrics().getNumberOfSuccessfulCalls()).isOne();
	}

	@Test
	void anOpenBreakerFailsWithCircuitOpenWithoutSubscribing() {
		this.breaker.transitionToOpenState();
		PublisherProbe<String> attempt = PublisherProbe.of(Mono.just("good"));
		StepVerifier.create(protect(attempt.mono()))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(CircuitOpenException.class)
				.hasMessageContaining("upstream"))
			.verify(TIMEOUT);
		attempt.assertWasNotSubscribed();
		assertThat(this.events).containsExactly("STATE_TRANSITION", "NOT_PERMITTED");
	}

	@Test
	void aCancellationBeforeTheOutcomeGivesThePermissionBack() {
		this.breaker.transitionToOpenState();
		this.breaker.transitionToHalfOpenState();
		TestPublisher<String> attempt = TestPublisher.create();
		StepVerifier.create(protect(attempt.mono())).expectSubscription().thenCancel().verify(TIMEOUT);
		attempt.assertCancelled();
		assertThat(this.events).containsExactly("STATE_TRANSITION", "STATE_TRANSITION");
		// The one call half-open allows is free again: it goes through and closes it.
		StepVerifier.create(protect(Mono.just("good"))).expectNext("good").expectComplete().verify(TIMEOUT);
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	private Mono<String> protect(Mono<String> attempt) {
		return new MonoBreaker<>(attempt, this.breaker, "upstream");
	}

}
