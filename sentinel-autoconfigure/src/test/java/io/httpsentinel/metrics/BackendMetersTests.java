package io.httpsentinel.metrics;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.httpsentinel.resilience.BackendListener;
import io.httpsentinel.resilience.BackendView;
import io.httpsentinel.resilience.BackendsView;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BackendMeters}: the meters follow the set of backends a client's view
 * announces, and read the counts of its snapshots.
 */
class BackendMetersTests {

	private static final String A = "http://127.0.0.1:8001";

	private static final String B = "http://127.0.0.1:8002";

	private static final String C = "http://127.0.0.1:8003";

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final Backends backends = new Backends();

	@Test
	void eachBackendKnownWhenBoundGetsFourMetersTaggedWithClientAndAddress() {
		this.backends.set(healthy(A, 0), healthy(B, 0));
		bind();
		assertThat(this.registry.getMeters()).hasSize(8);
		for (String address : List.of(A, B)) {
			for (String name : List.of("requests", "failures", "ejections", "ejected")) {
				assertThat(this.registry.find("sentinel.client.backend." + name)
					.tags("client", "llm", "backend", address)
					.meter()).as(name + " of " + address).isNotNull();
			}
		}
	}

	@Test
	void metersReadTheCountsOfTheLatestSnapshot() {
		this.backends.set(healthy(A, 3), healthy(B, 5));
		bind();
		assertThat(requests(A)).isEqualTo(3);
		this.backends.set(new BackendView(A, 1, true, Instant.parse("2026-12-06T21:00:30Z"), 1, 1, 2, 10, 4, null),
				healthy(B, 5));
		assertThat(requests(A)).isEqualTo(10);
		assertThat(this.registry.get("sentinel.client.backend.failures").tag("backend", A).functionCounter().count())
			.isEqualTo(4);
		assertThat(this.registry.get("sentinel.client.backend.ejections").tag("backend", A).functionCounter().count())
			.isEqualTo(1);
		assertThat(this.registry.get("sentinel.client.backend.ejected").tag("backend", A).gauge().value()).isEqualTo(1);
		assertThat(this.registry.get("sentinel.client.backend.ejected").tag("backend", B).gauge().value()).isZero();
	}

	@Test
	void aBackendLeavingTheSetTakesItsMetersAlongAndANewOneGetsItsOwn() {
		this.backends.set(healthy(A, 0), healthy(B, 0));
		bind();
		this.backends.change(healthy(B, 0), healthy(C, 0));
		assertThat(backendTags()).containsExactlyInAnyOrder(B, C);
		assertThat(this.registry.getMeters()).hasSize(8);
		this.backends.change(healthy(A, 0));
		assertThat(backendTags()).containsExactly(A);
		assertThat(this.registry.getMeters()).hasSize(4);
	}

	@Test
	void theSameSetAnnouncedAgainRegistersNothingTwice() {
		this.backends.set(healthy(A, 0));
		bind();
		Meter requests = this.registry.get("sentinel.client.backend.requests").meter();
		this.backends.change(healthy(A, 0));
		assertThat(this.registry.getMeters()).hasSize(4);
		assertThat(this.registry.get("sentinel.client.backend.requests").meter()).isSameAs(requests);
	}

	@Test
	void aBackendDiscoveredAfterBindingIsMeteredFromThen() {
		// Discovery has not answered yet when the meters are bound.
		bind();
		assertThat(this.registry.getMeters()).isEmpty();
		this.backends.change(healthy(A, 7));
		assertThat(requests(A)).isEqualTo(7);
	}

	@Test
	void aBackendThatLeftKeepsItsLastCountsUntilItsMetersAreRemoved() {
		this.backends.set(healthy(A, 2));
		bind();
		assertThat(requests(A)).isEqualTo(2);
		// The snapshot no longer holds it; the announcement of the new set follows.
		this.backends.set();
		assertThat(requests(A)).isEqualTo(2);
	}

	@Test
	void metersKeepReadingAfterAGarbageCollection() {
		// Micrometer holds what a function counter or gauge reads only weakly.
		this.backends.set(healthy(A, 5));
		bind();
		System.gc();
		assertThat(requests(A)).isEqualTo(5);
		assertThat(this.registry.get("sentinel.client.backend.ejected").gauge().value()).isZero();
	}

	private void bind() {
		BackendMeters.bind(this.registry, Tags.of("client", "llm"), this.backends);
	}

	private double requests(String address) {
		return this.registry.get("sentinel.client.backend.requests").tag("backend", address).functionCounter().count();
	}

	private List<String> backendTags() {
		return backendTags(this.registry);
	}

	/** The values of the backend tag, one per backend metered. */
	static List<String> backendTags(MeterRegistry registry) {
		return registry.find("sentinel.client.backend.requests")
			.functionCounters()
			.stream()
			.map((counter) -> counter.getId().getTag("backend"))
			.toList();
	}

	private static BackendView healthy(String address, long requests) {
		return new BackendView(address, 1, false, null, 0, 0, 0, requests, 0, null);
	}

	/** A client's backends as the engine would show them, moved by the test. */
	private static final class Backends implements BackendsView {

		private final List<BackendListener> listeners = new CopyOnWriteArrayList<>();

		private volatile List<BackendView> snapshot = List.of();

		void set(BackendView... backends) {
			this.snapshot = List.of(backends);
		}

		void change(BackendView... backends) {
			set(backends);
			List<String> addresses = this.snapshot.stream().map(BackendView::address).toList();
			this.listeners.forEach((listener) -> listener.backendsChanged(addresses));
		}

		@Override
		public String source() {
			return "endpoints";
		}

		@Override
		public List<BackendView> backends() {
			return this.snapshot;
		}

		@Override
		public void addListener(BackendListener listener) {
			this.listeners.add(listener);
		}

	}

}
