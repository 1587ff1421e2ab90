package io.httpsentinel.autoconfigure.loadbalancer;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

import io.httpsentinel.resilience.BackendEndpoint;
import io.httpsentinel.resilience.BackendSource;

/**
 * The backends of one service, read from its Spring Cloud LoadBalancer
 * {@link ServiceInstanceListSupplier} at once and then every refresh interval: each
 * instance's root URL ({@code scheme://host:port}, the scheme from
 * {@link ServiceInstance#isSecure()}) and its weight (metadata {@code weight}, as Spring
 * Cloud LoadBalancer's weighted supplier reads it). A list is emitted only when it
 * differs from the last one; a failed read is logged (once until a read succeeds again)
 * and keeps the last list.
 */
final class ServiceInstanceBackendSource implements BackendSource {

	private static final Log logger = LogFactory.getLog(ServiceInstanceBackendSource.class);

	/**
	 * The metadata key of an instance's weight, the one Spring Cloud LoadBalancer's
	 * {@code WeightedServiceInstanceListSupplier} reads.
	 */
	static final String WEIGHT_METADATA_KEY = "weight";

	private static final Comparator<BackendEndpoint> BY_ADDRESS = Comparator.comparing(BackendEndpoint::address);

	private final String description;

	private final ServiceInstanceListSupplier supplier;

	private final Duration refreshInterval;

	private final InstanceProblems problems;

	private boolean failing;

	ServiceInstanceBackendSource(String description, ServiceInstanceListSupplier supplier, Duration refreshInterval) {
		this.description = description;
		this.supplier = supplier;
		this.refreshInterval = refreshInterval;
		this.problems = new InstanceProblems(description, logger);
	}

	@Override
	public Flux<List<BackendEndpoint>> endpoints() {
		// One read at a time: a tick that comes while a read is still running is dropped.
		return Flux.interval(Duration.ZERO, this.refreshInterval)
			.onBackpressureDrop()
			.concatMap((tick) -> read(), 0)
			.distinctUntilChanged();
	}

	@Override
	public String description() {
		return this.description;
	}

	/**
	 * One read of the supplier, off the caller's thread: a supplier over a blocking
	 * discovery client calls it on the subscribing thread.
	 */
	private Mono<List<BackendEndpoint>> read() {
		return Mono.defer(() -> this.supplier.get().next())
			.subscribeOn(Schedulers.boundedElastic())
			.map(this::endpoints)
			.doOnNext((endpoints) -> recovered())
			.onErrorResume((ex) -> {
				failed(ex);
				return Mono.empty();
			});
	}

	/**
	 * The backends of a list of instances, one per address (a weighted supplier repeats
	 * an instance once per unit of its weight), sorted by address so that the same set
	 * read in another order is no change.
	 */
	private List<BackendEndpoint> endpoints(List<ServiceInstance> instances) {
		Map<String, BackendEndpoint> byAddress = new LinkedHashMap<>();
		for (ServiceInstance instance : instances) {
			BackendEndpoint endpoint = endpoint(instance);
			if (endpoint != null) {
				byAddress.putIfAbsent(endpoint.address(), endpoint);
			}
		}
		this.problems.readDone();
		List<BackendEndpoint> endpoints = new ArrayList<>(byAddress.values());
		endpoints.sort(BY_ADDRESS);
		return List.copyOf(endpoints);
	}

	private @Nullable BackendEndpoint endpoint(ServiceInstance instance) {
		String scheme = instance.isSecure() ? "https" : "http";
		int port = (instance.getPort() > 0) ? instance.getPort() : -1;
		try {
			URI url = new URI(scheme, null, instance.getHost(), port, null, null, null);
			return new BackendEndpoint(url, weight(instance, url));
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			this.problems.report(instance.getInstanceId() + "@" + instance.getHost() + ":" + instance.getPort(),
					"is left out: its address is no valid URL (" + ex.getMessage() + ")");
			return null;
		}
	}

	private int weight(ServiceInstance instance, URI url) {
		Map<String, String> metadata = instance.getMetadata();
		String value = (metadata != null) ? metadata.get(WEIGHT_METADATA_KEY) : null;
		if (value == null) {
			return 1;
		}
		try {
			int weight = Integer.parseInt(value.trim());
			if (weight >= 1) {
				return weight;
			}
		}
		catch (NumberFormatException ex) {
			// Reported below.
		}
		this.problems.report(url + " weight=" + value,
				"has weight '" + value + "' in its metadata, which is no positive integer: it gets weight 1");
		return 1;
	}

	private void recovered() {
		if (this.failing) {
			this.failing = false;
			logger.info("Reading the instances of " + this.description + " works again");
		}
	}

	private void failed(Throwable ex) {
		if (!this.failing) {
			this.failing = true;
			logger.warn("Reading the instances of " + this.description
					+ " failed; the client keeps the backends it had until a read succeeds", ex);
		}
	}

}
