package io.httpsentinel.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MonoDeadline}, on virtual time.
 */
class MonoDeadlineTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final DeadlineTimer timer = DeadlineTimer.on(() -> this.time);

	@AfterEach
	void stop() {
		this.time.dispose();
	}

	@Test
	void aValueBeforeTheDeadlinePassesAndStopsTheTimer() {
		StepVerifier.create(bounded(Mono.just("body"), Duration.ofSeconds(10)))
			.expectNext("body")
			.expectComplete()
			.verify(TIMEOUT);
		this.time.advanceTimeBy(Duration.ofSeconds(20));
	}

	@Test
	void theDeadlineCancelsTheSourceAndFailsWithTheTimeoutError() {
		TestPublisher<String> body = TestPublisher.create();
		StepVerifier.create(bounded(body.mono(), Duration.ofSeconds(10)))
			.expectSubscription()
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(9_999)))
			.expectNoEvent(Duration.ZERO)
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(1)))
			.expectErrorMessage("deadline")
			.verify(TIMEOUT);
		body.assertCancelled();
		// A late value is dropped, never a second terminal signal.
		body.emit("late");
	}

	@Test
	void errorsOfTheSourceAreMapped() {
		StepVerifier.create(bounded(Mono.error(new IllegalStateException("reset")), Duration.ofSeconds(10)))
			.expectErrorMessage("mapped reset")
			.verify(TIMEOUT);
	}

	@Test
	void anEmptySourceCompletes() {
		StepVerifier.create(bounded(Mono.empty(), Duration.ofSeconds(10))).expectComplete().verify(TIMEOUT);
	}

	@Test
	void aDeadlineAlreadyPassedFailsAtOnce() {
		TestPublisher<String> body = TestPublisher.create();
		StepVerifier.create(bounded(body.mono(), Duration.ofSeconds(-1)))
			.then(() -> this.time.advanceTimeBy(Duration.ZERO))
			.expectErrorMessage("deadline")
			.verify(TIMEOUT);
		body.assertCancelled();
	}

	@Test
	void cancellingStopsTheTimer() {
		AtomicBoolean stopped = new AtomicBoolean();
		DeadlineTimer recording = new DeadlineTimer() {

			@Override
			public Mono<Long> after(Duration delay) {
				return MonoDeadlineTests.this.timer.after(delay);
			}

			@Override
			public Disposable schedule(Runnable task, long delayNanos) {
				Disposable scheduled = MonoDeadlineTests.this.timer.schedule(task, delayNanos);
				return () -> {
					stopped.set(true);
					scheduled.dispose();
				};
			}

		};
		TestPublisher<String> body = TestPublisher.create();
		StepVerifier.create(new MonoDeadline<>(body.mono(), recording, new TestBounds(Duration.ofSeconds(10), false)))
			.thenCancel()
			.verify(TIMEOUT);
		body.assertCancelled();
		assertThat(stopped).isTrue();
	}

	@Test
	void anErrorResumesWithWhatTheFunctionMakesOfTheMappedError() {
		List<String> resumedWith = new ArrayList<>();
		Mono<String> resumed = new MonoDeadline<>(Mono.error(new IllegalStateException("reset")), this.timer,
				new TestBounds(Duration.ofSeconds(10), true), (error) -> {
					resumedWith.add(error.getMessage());
					return Mono.just("again");
				});
		StepVerifier.create(resumed).expectNext("again").expectComplete().verify(TIMEOUT);
		assertThat(resumedWith).containsExactly("mapped reset");
	}

	@Test
	void theDeadlineResumesWithWhatTheFunctionMakesOfTheTimeoutError() {
		TestPublisher<String> body = TestPublisher.create();
		Mono<String> resumed = new MonoDeadline<>(body.mono(), this.timer, new TestBounds(Duration.ofSeconds(10), true),
				(error) -> Mono.error(new IllegalStateException("resumed " + error.getMessage())));
		StepVerifier.create(resumed)
			.expectSubscription()
			.then(() -> this.time.advanceTimeBy(Duration.ofSeconds(10)))
			.expectErrorMessage("resumed deadline")
			.verify(TIMEOUT);
		body.assertCancelled();
	}

	@Test
	void theResumedSourceIsRequestedOnlyOnceTheDownstreamRequested() {
		TestPublisher<String> again = TestPublisher.create();
		Mono<String> resumed = new MonoDeadline<>(Mono.error(new IllegalStateException("reset")), this.timer,
				new TestBounds(Duration.ofSeconds(10), true), (error) -> again.mono());
		StepVerifier.create(resumed, 0).expectSubscription().then(() -> {
			again.assertWasSubscribed();
			again.assertWasNotRequested();
		}).thenRequest(1).then(() -> {
			again.assertWasRequested();
			again.emit("again");
		}).expectNext("again").expectComplete().verify(TIMEOUT);
	}

	@Test
	void cancellingAfterAnErrorCancelsTheResumedSource() {
		TestPublisher<String> again = TestPublisher.create();
		Mono<String> resumed = new MonoDeadline<>(Mono.error(new IllegalStateException("reset")), this.timer,
				new TestBounds(Duration.ofSeconds(10), true), (error) -> again.mono());
		StepVerifier.create(resumed).expectSubscription().then(again::assertWasSubscribed).thenCancel().verify(TIMEOUT);
		again.assertCancelled();
	}

	@Test
	void aResumeFunctionThatThrowsFailsWithItsError() {
		Mono<String> resumed = new MonoDeadline<>(Mono.error(new IllegalStateException("reset")), this.timer,
				new TestBounds(Duration.ofSeconds(10), true), (error) -> {
					throw new IllegalArgumentException("resume failed");
				});
		StepVerifier.create(resumed).expectErrorMessage("resume failed").verify(TIMEOUT);
	}

	private Mono<String> bounded(Mono<String> source, Duration left) {
		return new MonoDeadline<>(source, this.timer, new TestBounds(left, true));
	}

	private record TestBounds(Duration left, boolean mapsErrors) implements MonoDeadline.Bounds {

		@Override
		public long timeLeftNanos() {
			return this.left.toNanos();
		}

		@Override
		public Throwable timeout() {
			return new IllegalStateException("deadline");
		}

		@Override
		public Throwable error(Throwable error) {
			return this.mapsErrors ? new IllegalStateException("mapped " + error.getMessage()) : error;
		}

	}

}
