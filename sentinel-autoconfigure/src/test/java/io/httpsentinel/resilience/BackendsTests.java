package io.httpsentinel.resilience;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import io.httpsentinel.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link Backends} on a clock that only moves when told: the choice, outlier
 * ejection and its cap, pauses, and where requests are sent. One test per rule.
 */
class BackendsTests {

	private static final Instant START = Instant.parse("2026-12-06T21:00:00Z");

	private static final BackendEndpoint A = BackendEndpoint.of(URI.create("http://127.0.0.1:8001"));

	private static final BackendEndpoint B = BackendEndpoint.of(URI.create("http://127.0.0.1:8002"));

	private static final BackendEndpoint C = BackendEndpoint.of(URI.create("http://127.0.0.1:8003"));

	/** 3 failures in a row eject for 10s, growing to at most 60s; at most half. */
	private static final OutlierDetectionSettings OUTLIER = new OutlierDetectionSettings(true, 3, 3,
			Duration.ofSeconds(10), Duration.ofSeconds(60), 50);

	private final MutableClock clock = new MutableClock(START);

	private final List<String> events = new ArrayList<>();

	@Test
	void choiceIsRoundRobinInProportionToTheWeights() {
		Backends backends = backends(OUTLIER, A, B, new BackendEndpoint(C.url(), 2));
		Map<String, Integer> counts = chooseMany(backends, 400);
		assertThat(counts).containsExactly(Map.entry(A.address(), 100), Map.entry(B.address(), 100),
				Map.entry(C.address(), 200));
	}

	@Test
	void retryAvoidsEveryBackendTheCallTried() {
		Backends backends = backends(OUTLIER, A, B, C);
		for (int i = 0; i < 30; i++) {
			Backend first = backends.choose(null, 0);
			Backend second = backends.choose(new Backend[] { first }, 1);
			Backend third = backends.choose(new Backend[] { first, second }, 2);
			assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
		}
	}

	@Test
	void onceEveryBackendWasTriedTheOneThatJustFailedIsAvoided() {
		Backends backends = backends(OUTLIER, A, B);
		Backend a = backend(backends, A);
		Backend b = backend(backends, B);
		for (int i = 0; i < 10; i++) {
			assertThat(backends.choose(new Backend[] { a, b }, 2)).isSameAs(a);
			assertThat(backends.choose(new Backend[] { b, a }, 2)).isSameAs(b);
		}
	}

	@Test
	void theBackendThatJustFailedIsChosenWhenItIsTheOnlyOneLeft() {
		Backends backends = backends(OUTLIER, A);
		Backend a = backend(backends, A);
		assertThat(backends.choose(new Backend[] { a }, 1)).isSameAs(a);
	}

	@Test
	void failuresInARowEjectABackendAndTrafficLeavesIt() {
		Backends backends = backends(OUTLIER, A, B, C);
		Backend a = backend(backends, A);
		fail(backends, a, 500, 3);
		assertThat(this.events).containsExactly("ejected " + A.address() + " until " + START.plusSeconds(10) + " x1");
		assertThat(chooseMany(backends, 100)).doesNotContainKey(A.address());
		assertThat(backends.backends().get(0)).satisfies((view) -> {
			assertThat(view.ejected()).isTrue();
			assertThat(view.ejectedUntil()).isEqualTo(START.plusSeconds(10));
			assertThat(view.ejections()).isOne();
			assertThat(view.requests()).isEqualTo(3);
			assertThat(view.failures()).isEqualTo(3);
		});
	}

	@Test
	void anEjectedBackendReturnsWhenItsEjectionTimeIsOver() {
		Backends backends = backends(OUTLIER, A, B, C);
		fail(backends, backend(backends, A), 500, 3);
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(chooseMany(backends, 90)).containsEntry(A.address(), 30);
		assertThat(this.events).last().isEqualTo("returned " + A.address());
		assertThat(backends.backends().get(0).ejected()).isFalse();
	}

	@Test
	void aSuccessStartsTheFailuresInARowAgain() {
		Backends backends = backends(OUTLIER, A, B, C);
		Backend a = backend(backends, A);
		fail(backends, a, 500, 2);
		backends.onResponse(a, 200);
		fail(backends, a, 500, 2);
		assertThat(this.events).isEmpty();
		assertThat(backends.backends().get(0).consecutiveFailures()).isEqualTo(2);
	}

	@Test
	void tooManyRequestsIsNotAFailureOfTheBackend() {
		Backends backends = backends(OUTLIER, A, B, C);
		Backend a = backend(backends, A);
		fail(backends, a, 429, 10);
		assertThat(this.events).isEmpty();
		assertThat(backends.backends().get(0).failures()).isZero();
	}

	@Test
	void gatewayFailuresHaveTheirOwnThreshold() {
		Backends backends = backends(
				new OutlierDetectionSettings(true, 100, 2, Duration.ofSeconds(10), Duration.ofSeconds(60), 50), A, B,
				C);
		Backend a = backend(backends, A);
		backends.onResponse(a, 500);
		backends.onResponse(a, 500);
		assertThat(this.events).isEmpty();
		backends.onError(a, FailureKind.CONNECT);
		backends.onResponse(a, 503);
		assertThat(this.events).hasSize(1);
	}

	@Test
	void connectErrorsResetsAndTimeoutsAreGatewayFailures() {
		for (FailureKind kind : List.of(FailureKind.CONNECT, FailureKind.RESET_BEFORE_RESPONSE,
				FailureKind.RESPONSE_HEADERS_TIMEOUT, FailureKind.RESET_DURING_BODY, FailureKind.READ_IDLE_TIMEOUT)) {
			Backends backends = backends(OUTLIER, A, B);
			Backend a = backend(backends, A);
			for (int i = 0; i < 3; i++) {
				backends.onError(a, kind);
			}
			assertThat(backends.backends().get(0).ejected()).as(kind.name()).isTrue();
		}
	}

	@Test
	void whatNeverReachedTheBackendSaysNothingAboutIt() {
		Backends backends = backends(OUTLIER, A, B);
		Backend a = backend(backends, A);
		for (int i = 0; i < 10; i++) {
			backends.onError(a, FailureKind.REJECTED_LOCALLY);
			backends.onError(a, FailureKind.POOL_ACQUIRE_TIMEOUT);
		}
		assertThat(backends.backends().get(0)).satisfies((view) -> {
			assertThat(view.ejected()).isFalse();
			assertThat(view.requests()).isZero();
		});
	}

	@Test
	void eachEjectionInARowLastsLongerUpToTheMaximum() {
		Backends backends = backends(OUTLIER, A, B, C);
		Backend a = backend(backends, A);
		List<Duration> ejections = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			fail(backends, a, 500, 3);
			Instant until = backends.backends().get(0).ejectedUntil();
			ejections.add(Duration.between(this.clock.instant(), until));
			this.clock.advance(Duration.between(this.clock.instant(), until));
		}
		assertThat(ejections).extracting(Duration::toSeconds).containsExactly(10L, 20L, 30L, 40L, 50L, 60L, 60L, 60L);
	}

	@Test
	void theMultiplierDecaysWhileTheBackendStaysHealthy() {
		Backends backends = backends(OUTLIER, A, B, C);
		Backend a = backend(backends, A);
		fail(backends, a, 500, 3);
		this.clock.advance(Duration.ofSeconds(10));
		fail(backends, a, 500, 3);
		assertThat(backends.backends().get(0).timesEjected()).isEqualTo(2);
		// Back at +30s; two base ejection times later the multiplier is down by two.
		this.clock.advance(Duration.ofSeconds(20 + 20));
		fail(backends, a, 500, 3);
		assertThat(backends.backends().get(0).timesEjected()).isOne();
		assertThat(backends.backends().get(0).ejectedUntil()).isEqualTo(this.clock.instant().plusSeconds(10));
	}

	@Test
	void theCapHoldsWhenEveryBackendFails() {
		Backends backends = backends(OUTLIER, A, B, C);
		for (int round = 0; round < 5; round++) {
			for (Backend backend : all(backends)) {
				fail(backends, backend, 500, 3);
			}
		}
		assertThat(backends.backends()).filteredOn(BackendView::ejected).hasSize(1);
		assertThat(chooseMany(backends, 100)).hasSize(2);
	}

	@Test
	void aCapOfZeroNeverEjects() {
		Backends backends = backends(
				new OutlierDetectionSettings(true, 3, 3, Duration.ofSeconds(10), Duration.ofSeconds(60), 0), A, B);
		fail(backends, backend(backends, A), 500, 10);
		assertThat(this.events).isEmpty();
	}

	@Test
	void disabledDetectionNeverEjectsButStillCounts() {
		Backends backends = backends(
				new OutlierDetectionSettings(false, 3, 3, Duration.ofSeconds(10), Duration.ofSeconds(60), 50), A, B);
		fail(backends, backend(backends, A), 500, 10);
		assertThat(this.events).isEmpty();
		assertThat(backends.backends().get(0).failures()).isEqualTo(10);
	}

	@Test
	void aSingleBackendIsNeverEjected() {
		Backends backends = backends(OUTLIER, A);
		fail(backends, backend(backends, A), 500, 10);
		assertThat(this.events).isEmpty();
	}

	@Test
	void whenEveryBackendIsEjectedTheChoiceStillPicksOne() {
		Backends backends = backends(
				new OutlierDetectionSettings(true, 3, 3, Duration.ofSeconds(10), Duration.ofSeconds(60), 100), A, B);
		for (Backend backend : all(backends)) {
			fail(backends, backend, 500, 3);
		}
		assertThat(backends.backends()).allMatch(BackendView::ejected);
		assertThat(chooseMany(backends, 10)).hasSize(2);
	}

	@Test
	void aPausedBackendIsLeftOutUntilItsPauseEnds() {
		Backends backends = backends(OUTLIER, A, B);
		backends.pause(backend(backends, A), START.plusSeconds(30));
		assertThat(chooseMany(backends, 10)).containsOnlyKeys(B.address());
		assertThat(backends.hasOtherAvailable(backend(backends, B))).isFalse();
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(chooseMany(backends, 10)).containsOnlyKeys(A.address(), B.address());
	}

	@Test
	void whenEveryBackendIsPausedTheCallFailsWithTheEarliestEnd() {
		Backends backends = backends(OUTLIER, A, B);
		backends.pause(backend(backends, A), START.plusSeconds(30));
		backends.pause(backend(backends, B), START.plusSeconds(20));
		assertThatExceptionOfType(HostPausedException.class).isThrownBy(() -> backends.choose(null, 0))
			.satisfies((ex) -> assertThat(ex.pausedUntil()).isEqualTo(START.plusSeconds(20)));
	}

	@Test
	void aRequestUnderTheBaseUrlGoesToTheBackendWithItsBasePath() {
		Backends backends = new Backends("llm", URI.create("http://127.0.0.1:8001/v1"),
				BackendSource.fixed(List.of(BackendEndpoint.of(URI.create("http://127.0.0.1:8001/v1")),
						BackendEndpoint.of(URI.create("https://eu.example.com/api/v1/")))),
				BackendSettings.DEFAULTS, this.clock)
			.start();
		String rest = backends.pathUnderBase(URI.create("http://127.0.0.1:8001/v1/chat/completions?stream=true"));
		assertThat(rest).isEqualTo("/chat/completions?stream=true");
		Backend eu = all(backends)[1];
		assertThat(Backends.urlOn(eu, rest)).hasToString("https://eu.example.com/api/v1/chat/completions?stream=true");
		assertThat(backends.pathUnderBase(URI.create("http://127.0.0.1:8001/v1"))).isEmpty();
		assertThat(backends.pathUnderBase(URI.create("http://127.0.0.1:8001:/v1/models"))).isNull();
	}

	@Test
	void aRequestElsewhereIsNotSentToABackend() {
		Backends backends = new Backends("llm", URI.create("http://127.0.0.1:8001/v1"),
				BackendSource.fixed(List.of(A, B)), BackendSettings.DEFAULTS, this.clock)
			.start();
		assertThat(backends.pathUnderBase(URI.create("http://127.0.0.1:8001/v2/models"))).isNull();
		assertThat(backends.pathUnderBase(URI.create("http://127.0.0.1:8001/v10"))).isNull();
		assertThat(backends.pathUnderBase(URI.create("http://127.0.0.1:9999/v1/models"))).isNull();
		assertThat(backends.pathUnderBase(URI.create("https://127.0.0.1:8001/v1/models"))).isNull();
	}

	@Test
	void aServiceUrlKeepsItsBasePathOnEveryInstance() {
		Backends backends = new Backends("vllm", URI.create("lb://vllm/v1"), BackendSource.fixed(List.of(A)),
				BackendSettings.DEFAULTS, this.clock)
			.start();
		String rest = backends.pathUnderBase(URI.create("lb://vllm/v1/models"));
		assertThat(Backends.urlOn(all(backends)[0], rest)).hasToString("http://127.0.0.1:8001/v1/models");
	}

	@Test
	void aNewSetKeepsTheStateOfTheBackendsThatStay() {
		Backends backends = backends(OUTLIER, A, B, C);
		fail(backends, backend(backends, A), 500, 3);
		backends.update(List.of(A, C));
		assertThat(this.events).last().isEqualTo("changed [" + A.address() + ", " + C.address() + "]");
		assertThat(backends.backends()).extracting(BackendView::address, BackendView::ejected)
			.containsExactly(Tuple.tuple(A.address(), true), Tuple.tuple(C.address(), false));
	}

	@Test
	void noBackendFoundFailsTheCallAtOnce() {
		Backends backends = backends(OUTLIER, A);
		backends.update(List.of());
		assertThatExceptionOfType(NoBackendAvailableException.class).isThrownBy(() -> backends.choose(null, 0))
			.withMessageContaining("llm")
			.withMessageContaining("has no instances");
	}

	@Test
	void aCallBeforeDiscoveryAnsweredWaitsForItsFirstList() {
		Sinks.Many<List<BackendEndpoint>> discovered = Sinks.many().replay().latest();
		Backends backends = new Backends("vllm", URI.create("lb://vllm"), source(discovered.asFlux()),
				BackendSettings.DEFAULTS, this.clock)
			.start();
		assertThat(backends.resolved()).isFalse();
		StepVerifier.create(backends.whenResolved(Duration.ofSeconds(5)))
			.then(() -> discovered.tryEmitNext(List.of(A)))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(backends.choose(null, 0).endpoint).isEqualTo(A);
	}

	@Test
	void aCallGivesUpWaitingForDiscoveryAfterTheTimeout() {
		Backends backends = new Backends("vllm", URI.create("lb://vllm"), source(Flux.never()),
				BackendSettings.DEFAULTS, this.clock)
			.start();
		StepVerifier.withVirtualTime(() -> backends.whenResolved(Duration.ofSeconds(5)))
			.thenAwait(Duration.ofSeconds(5))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(NoBackendAvailableException.class)
				.hasMessageContaining("lb://vllm gave none within 5000ms"))
			.verify(Duration.ofSeconds(5));
	}

	private static BackendSource source(Flux<List<BackendEndpoint>> lists) {
		return new BackendSource() {

			@Override
			public Flux<List<BackendEndpoint>> endpoints() {
				return lists;
			}

			@Override
			public String description() {
				return "lb://vllm";
			}

		};
	}

	private Backends backends(OutlierDetectionSettings outlier, BackendEndpoint... endpoints) {
		Backends backends = new Backends("llm", endpoints[0].url(), BackendSource.fixed(List.of(endpoints)),
				new BackendSettings(null, outlier, PauseScope.BACKEND), this.clock);
		backends.addListener(new BackendListener() {

			@Override
			public void backendsChanged(List<String> addresses) {
				BackendsTests.this.events.add("changed " + addresses);
			}

			@Override
			public void ejected(String address, Instant until, int timesEjected) {
				BackendsTests.this.events.add("ejected " + address + " until " + until + " x" + timesEjected);
			}

			@Override
			public void returned(String address) {
				BackendsTests.this.events.add("returned " + address);
			}

		});
		backends.start();
		this.events.clear();
		return backends;
	}

	private static Backend[] all(Backends backends) {
		return backends.current();
	}

	private static Backend backend(Backends backends, BackendEndpoint endpoint) {
		return Arrays.stream(all(backends))
			.filter((backend) -> backend.endpoint.equals(endpoint))
			.findFirst()
			.orElseThrow();
	}

	private static void fail(Backends backends, Backend backend, int status, int times) {
		for (int i = 0; i < times; i++) {
			backends.onResponse(backend, status);
		}
	}

	private static Map<String, Integer> chooseMany(Backends backends, int times) {
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (int i = 0; i < times; i++) {
			counts.merge(backends.choose(null, 0).address, 1, Integer::sum);
		}
		return new TreeMap<>(counts);
	}

}
