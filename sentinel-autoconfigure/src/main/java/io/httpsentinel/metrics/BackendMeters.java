package io.httpsentinel.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import io.httpsentinel.resilience.BackendListener;
import io.httpsentinel.resilience.BackendView;
import io.httpsentinel.resilience.BackendsView;

/**
 * The {@code sentinel.client.backend.*} meters of one client with several backends, in
 * one registry. They are registered for each backend when the set of backends changes and
 * removed when a backend leaves it, so the {@code backend} tag only ever takes the
 * addresses of the configured or discovered set. Every meter reads the counts the engine
 * keeps for its choice anyway, when the registry is read: a request costs nothing more.
 */
final class BackendMeters implements BackendListener {

	/** Tag naming the backend: its address, {@code scheme://host:port}. */
	static final String BACKEND_TAG = "backend";

	private static final String PREFIX = "sentinel.client.backend.";

	private final MeterRegistry registry;

	private final Tags clientTags;

	private final BackendsView backends;

	/**
	 * The meters of each backend, by address; guarded by {@code this}. Holding them here
	 * holds their {@link Reading}s, which Micrometer references only weakly; the client
	 * holds this listener.
	 */
	private final Map<String, Registered> meters = new LinkedHashMap<>();

	private BackendMeters(MeterRegistry registry, Tags clientTags, BackendsView backends) {
		this.registry = registry;
		this.clientTags = clientTags;
		this.backends = backends;
	}

	/**
	 * Meter the backends of a client from now on.
	 * @param registry the registry
	 * @param clientTags the tags of the client
	 * @param backends the client's backends
	 */
	static void bind(MeterRegistry registry, Tags clientTags, BackendsView backends) {
		BackendMeters meters = new BackendMeters(registry, clientTags, backends);
		// Listen first: a change between reading the set and listening is not lost.
		backends.addListener(meters);
		meters.backendsChanged(backends.backends().stream().map(BackendView::address).toList());
	}

	@Override
	public synchronized void backendsChanged(List<String> addresses) {
		Set<String> current = new HashSet<>(addresses);
		Iterator<Map.Entry<String, Registered>> known = this.meters.entrySet().iterator();
		while (known.hasNext()) {
			Map.Entry<String, Registered> backend = known.next();
			if (!current.contains(backend.getKey())) {
				backend.getValue().meters().forEach(this.registry::remove);
				known.remove();
			}
		}
		for (String address : addresses) {
			this.meters.computeIfAbsent(address, this::register);
		}
	}

	private Registered register(String address) {
		Reading reading = new Reading(this.backends, address);
		Tags tags = this.clientTags.and(BACKEND_TAG, address);
		List<Meter> registered = new ArrayList<>(4);
		registered
			.add(counter("requests", reading, BackendView::requests, "requests", tags, "Attempts sent to the backend"));
		registered.add(counter("failures", reading, BackendView::failures, "failures", tags,
				"Attempts to the backend that failed: a 5xx response, or none (connect error, reset, timeout)"));
		registered.add(counter("ejections", reading, BackendView::ejections, "ejections", tags,
				"Times outlier detection took the backend out of the choice"));
		registered.add(Gauge.builder(PREFIX + "ejected", reading, (read) -> read.latest().ejected() ? 1 : 0)
			.description("1 while outlier detection keeps the backend out of the choice, else 0")
			.tags(tags)
			.register(this.registry));
		return new Registered(reading, registered);
	}

	private Meter counter(String name, Reading reading, ToDoubleFunction<BackendView> count, String unit, Tags tags,
			String description) {
		return FunctionCounter.builder(PREFIX + name, reading, (read) -> count.applyAsDouble(read.latest()))
			.description(description)
			.baseUnit(unit)
			.tags(tags)
			.register(this.registry);
	}

	/** The meters of one backend, and what they read. */
	private record Registered(Reading reading, List<Meter> meters) {

	}

	/**
	 * One backend's figures as the registry reads them. A backend that has just left the
	 * set keeps its last figures until its meters are removed.
	 */
	private static final class Reading {

		private final BackendsView backends;

		private final String address;

		private volatile BackendView last;

		Reading(BackendsView backends, String address) {
			this.backends = backends;
			this.address = address;
			this.last = new BackendView(address, 0, false, null, 0, 0, 0, 0, 0, null);
		}

		BackendView latest() {
			for (BackendView backend : this.backends.backends()) {
				if (backend.address().equals(this.address)) {
					this.last = backend;
					return backend;
				}
			}
			return this.last;
		}

	}

}
