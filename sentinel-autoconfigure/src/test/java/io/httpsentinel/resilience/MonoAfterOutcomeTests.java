package io.httpsentinel.resilience;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MonoAfterOutcome}.
 */
class MonoAfterOutcomeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final List<String> outcomes = new ArrayList<>();

	@Test
	void aValueGoesToTheFunctionAndTheContinuationsValueDownstream() {
		StepVerifier.create(after(Mono.just("first"), Mono.just("second")))
			.expectNext("second")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.outcomes).containsExactly("value first");
	}

	@Test
	void anErrorGoesToTheFunction() {
		StepVerifier.create(after(Mono.error(new IllegalStateException("boom")), Mono.just("recovered")))
			.expectNext("recovered")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.outcomes).containsExactly("error boom");
	}

	@Test
	void anEmptySourceGivesNeither() {
		StepVerifier.create(after(Mono.empty(), Mono.empty())).expectComplete().verify(TIMEOUT);
		assertThat(this.outcomes).containsExactly("empty");
	}

	@Test
	void theContinuationsErrorPassesStraightThrough() {
		IllegalStateException later = new IllegalStateException("later attempt");
		StepVerifier.create(after(Mono.just("first"), Mono.error(later)))
			.expectErrorMatches((error) -> error == later)
			.verify(TIMEOUT);
		// Only the source's outcome was decided on.
		assertThat(this.outcomes).containsExactly("value first");
	}

	@Test
	void nestedContinuationsEachDecideOnTheirOwnSourceOnly() {
		Mono<String> inner = after(Mono.error(new IllegalStateException("second")),
				Mono.error(new IllegalStateException("third")));
		StepVerifier.create(after(Mono.error(new IllegalStateException("first")), inner))
			.expectErrorMessage("third")
			.verify(TIMEOUT);
		assertThat(this.outcomes).containsExactly("error first", "error second");
	}

	@Test
	void cancellingCancelsTheContinuation() {
		PublisherProbe<String> continuation = PublisherProbe.of(Mono.never());
		StepVerifier.create(after(Mono.just("first"), continuation.mono()))
			.expectSubscription()
			.then(continuation::assertWasSubscribed)
			.thenCancel()
			.verify(TIMEOUT);
		continuation.assertWasCancelled();
	}

	@Test
	void cancellingBeforeTheOutcomeCancelsTheSourceAndNeverContinues() {
		TestPublisher<String> source = TestPublisher.create();
		PublisherProbe<String> continuation = PublisherProbe.of(Mono.just("never"));
		StepVerifier.create(after(source.mono(), continuation.mono())).thenCancel().verify(TIMEOUT);
		source.assertCancelled();
		source.emit("late");
		continuation.assertWasNotSubscribed();
	}

	@Test
	void noDemandNoRequestOfTheContinuation() {
		PublisherProbe<String> continuation = PublisherProbe.of(Mono.just("second"));
		StepVerifier.create(after(Mono.just("first"), continuation.mono()), 0)
			.expectSubscription()
			.then(() -> assertThat(continuation.wasRequested()).isFalse())
			.thenRequest(1)
			.expectNext("second")
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aConstantContinuationAfterAnErrorStillWaitsForDemand() {
		StepVerifier.create(after(Mono.error(new IllegalStateException("boom")), Mono.just("recovered")), 0)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(50))
			.thenRequest(1)
			.expectNext("recovered")
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aConstantErrorContinuationPassesItsErrorAsItIs() {
		Exception checked = new IOException("checked");
		StepVerifier.create(after(Mono.just("first"), Mono.error(checked)))
			.expectErrorMatches((error) -> error == checked)
			.verify(TIMEOUT);
	}

	@Test
	void theEndActionRunsOnceAfterTheTerminalSignalPassedDownstream() {
		List<String> signals = new ArrayList<>();
		Mono<String> whole = new MonoAfterOutcome<String>(Mono.just("first"), (value, error) -> Mono.just("second"),
				() -> signals.add("ended"));
		StepVerifier.create(whole.doOnSuccess((value) -> signals.add("value " + value)))
			.expectNext("second")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(signals).containsExactly("value second", "ended");
	}

	@Test
	void theEndActionRunsAfterTheContinuationsError() {
		List<String> signals = new ArrayList<>();
		Mono<String> whole = new MonoAfterOutcome<String>(Mono.just("first"),
				(value, error) -> Mono.<String>error(new IllegalStateException("later")).hide(),
				() -> signals.add("ended"));
		StepVerifier.create(whole).expectErrorMessage("later").verify(TIMEOUT);
		assertThat(signals).containsExactly("ended");
	}

	@Test
	void theEndActionRunsOnceOnCancellation() {
		List<String> signals = new ArrayList<>();
		TestPublisher<String> source = TestPublisher.create();
		Mono<String> whole = new MonoAfterOutcome<String>(source.mono(), (value, error) -> Mono.just("second"),
				() -> signals.add("ended"));
		StepVerifier.create(whole).expectSubscription().thenCancel().verify(TIMEOUT);
		source.emit("late");
		assertThat(signals).containsExactly("ended");
	}

	@Test
	void aCancelWhileTheOutcomeIsDecidedOnDiscardsTheConstantContinuation() {
		List<String> received = new ArrayList<>();
		List<Object> discarded = new ArrayList<>();
		BaseSubscriber<String> caller = new BaseSubscriber<>() {
			@Override
			protected void hookOnNext(String value) {
				received.add(value);
			}
		};
		// The cancel from another thread, as it arrives while the function decides.
		new MonoAfterOutcome<String>(Mono.just("first"), (value, error) -> {
			caller.cancel();
			return Mono.just("second");
		}).doOnDiscard(String.class, discarded::add).subscribe(caller);
		assertThat(received).isEmpty();
		assertThat(discarded).containsExactly("second");
	}

	private Mono<String> after(Mono<String> source, Mono<String> continuation) {
		return new MonoAfterOutcome<>(source, (value, error) -> {
			this.outcomes
				.add((value != null) ? "value " + value : (error != null) ? "error " + error.getMessage() : "empty");
			return continuation;
		});
	}

}
