package io.httpsentinel.autoconfigure.loadbalancer;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.WeightedServiceInstanceListSupplier;

import io.httpsentinel.resilience.BackendEndpoint;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backends a service's Spring Cloud LoadBalancer supplier yields: addresses, schemes,
 * weights, and the lists emitted as the instances change.
 */
class ServiceInstanceBackendSourceTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration REFRESH = Duration.ofMillis(20);

	private final ChangingSupplier supplier = new ChangingSupplier();

	private final ServiceInstanceBackendSource source = new ServiceInstanceBackendSource("lb://vllm", this.supplier,
			REFRESH);

	@Test
	void instancesBecomeBackendsAtTheirRootUrlsWithTheirSchemeSortedByAddress() {
		this.supplier.set(instance("b", "127.0.0.1", 8002, false, Map.of()),
				instance("a", "127.0.0.1", 8001, false, Map.of()), instance("c", "10.0.0.3", 443, true, Map.of()));
		StepVerifier.create(this.source.endpoints().take(1))
			.expectNext(List.of(backend("http://127.0.0.1:8001", 1), backend("http://127.0.0.1:8002", 1),
					backend("https://10.0.0.3:443", 1)))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.source.description()).isEqualTo("lb://vllm");
	}

	@Test
	void weightComesFromTheMetadataAndAnInvalidOneCountsAsOne() {
		this.supplier.set(instance("a", "127.0.0.1", 8001, false, Map.of("weight", "3")),
				instance("b", "127.0.0.1", 8002, false, Map.of("weight", "zero")),
				instance("c", "127.0.0.1", 8003, false, Map.of("weight", "-2")));
		StepVerifier.create(this.source.endpoints().take(1))
			.expectNext(List.of(backend("http://127.0.0.1:8001", 3), backend("http://127.0.0.1:8002", 1),
					backend("http://127.0.0.1:8003", 1)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void anInstanceRepeatedByTheWeightedSupplierIsOneBackendWithItsWeight() {
		this.supplier.set(instance("a", "127.0.0.1", 8001, false, Map.of("weight", "3")),
				instance("b", "127.0.0.1", 8002, false, Map.of()));
		ServiceInstanceBackendSource weighted = new ServiceInstanceBackendSource("lb://vllm",
				new WeightedServiceInstanceListSupplier(this.supplier), REFRESH);
		StepVerifier.create(weighted.endpoints().take(1))
			.expectNext(List.of(backend("http://127.0.0.1:8001", 3), backend("http://127.0.0.1:8002", 1)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aListIsEmittedOnlyWhenTheInstancesChange() {
		this.supplier.set(instance("a", "127.0.0.1", 8001, false, Map.of()));
		StepVerifier.create(this.source.endpoints())
			.expectNext(List.of(backend("http://127.0.0.1:8001", 1)))
			// The same instances in another order are no change.
			.then(() -> this.supplier.awaitReads(this.supplier.reads() + 3))
			.then(() -> this.supplier.set(instance("b", "127.0.0.1", 8002, false, Map.of()),
					instance("a", "127.0.0.1", 8001, false, Map.of())))
			.expectNext(List.of(backend("http://127.0.0.1:8001", 1), backend("http://127.0.0.1:8002", 1)))
			.then(() -> this.supplier.awaitReads(this.supplier.reads() + 3))
			.then(() -> this.supplier.set(instance("a", "127.0.0.1", 8001, false, Map.of("weight", "2")),
					instance("b", "127.0.0.1", 8002, false, Map.of())))
			.expectNext(List.of(backend("http://127.0.0.1:8001", 2), backend("http://127.0.0.1:8002", 1)))
			.then(() -> this.supplier.set())
			.expectNext(List.of())
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void aFailingReadKeepsTheLastListAndTheNextGoodReadCounts() {
		this.supplier.set(instance("a", "127.0.0.1", 8001, false, Map.of()));
		StepVerifier.create(this.source.endpoints())
			.expectNext(List.of(backend("http://127.0.0.1:8001", 1)))
			.then(() -> this.supplier.fail(new IllegalStateException("discovery down")))
			.then(() -> this.supplier.awaitReads(this.supplier.reads() + 3))
			.then(() -> this.supplier.set(instance("b", "127.0.0.1", 8002, false, Map.of())))
			.expectNext(List.of(backend("http://127.0.0.1:8002", 1)))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void cancellingStopsTheReads() {
		this.supplier.set(instance("a", "127.0.0.1", 8001, false, Map.of()));
		StepVerifier.create(this.source.endpoints()).expectNextCount(1).thenCancel().verify(TIMEOUT);
		int reads = this.supplier.reads();
		// Several refresh intervals later, no read has started.
		StepVerifier.create(Flux.interval(REFRESH).take(10)).expectNextCount(10).expectComplete().verify(TIMEOUT);
		assertThat(this.supplier.reads()).isLessThanOrEqualTo(reads + 1);
	}

	private static BackendEndpoint backend(String url, int weight) {
		return new BackendEndpoint(URI.create(url), weight);
	}

	private static ServiceInstance instance(String id, String host, int port, boolean secure,
			Map<String, String> metadata) {
		return new DefaultServiceInstance(id, "vllm", host, port, secure, metadata);
	}

	/**
	 * A supplier whose instances the test changes, counting its reads.
	 */
	static final class ChangingSupplier implements ServiceInstanceListSupplier {

		private final AtomicReference<Flux<List<ServiceInstance>>> instances = new AtomicReference<>(
				Flux.just(List.of()));

		private final AtomicInteger reads = new AtomicInteger();

		void set(ServiceInstance... instances) {
			this.instances.set(Flux.just(List.of(instances)));
		}

		void fail(RuntimeException ex) {
			this.instances.set(Flux.error(ex));
		}

		int reads() {
			return this.reads.get();
		}

		void awaitReads(int count) {
			StepVerifier.create(Flux.interval(Duration.ofMillis(5)).takeUntil((tick) -> this.reads.get() >= count))
				.thenConsumeWhile((tick) -> true)
				.expectComplete()
				.verify(TIMEOUT);
		}

		@Override
		public String getServiceId() {
			return "vllm";
		}

		@Override
		public Flux<List<ServiceInstance>> get() {
			return Flux.defer(() -> {
				this.reads.incrementAndGet();
				return this.instances.get();
			});
		}

	}

}
