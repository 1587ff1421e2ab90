package io.httpsentinel.autoconfigure.loadbalancer;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.resilience.BackendDiscovery;
import io.httpsentinel.resilience.BackendEndpoint;
import io.httpsentinel.resilience.BackendSource;
import io.httpsentinel.resilience.ResilienceSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SentinelLoadBalancerAutoConfiguration}: the discovery of a service's
 * backends in an application with Spring Cloud LoadBalancer and its static instances.
 */
class SentinelLoadBalancerAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = LoadBalancerApplication.contextRunner()
		.withPropertyValues("spring.cloud.discovery.client.simple.instances.vllm[0].uri=http://127.0.0.1:8001",
				"spring.cloud.discovery.client.simple.instances.vllm[1].uri=https://127.0.0.1:8443",
				"spring.cloud.discovery.client.simple.instances.vllm[1].metadata.weight=2");

	@Test
	void theStaticInstancesOfAServiceAreItsBackends() {
		this.contextRunner.run((context) -> {
			BackendDiscovery discovery = context.getBean(BackendDiscovery.class);
			assertThat(context.getBean(ResilienceSupport.class).discovery()).isSameAs(discovery);
			BackendSource source = discovery.source("local-llm", "vllm");
			assertThat(source.description()).isEqualTo("lb://vllm");
			StepVerifier.create(source.endpoints().take(1))
				.expectNext(List.of(new BackendEndpoint(URI.create("http://127.0.0.1:8001"), 1),
						new BackendEndpoint(URI.create("https://127.0.0.1:8443"), 2)))
				.expectComplete()
				.verify(TIMEOUT);
		});
	}

	@Test
	void aServiceWithoutInstancesHasNoBackends() {
		this.contextRunner.run((context) -> StepVerifier
			.create(context.getBean(BackendDiscovery.class).source("local-llm", "nowhere").endpoints().take(1))
			.expectNext(List.of())
			.expectComplete()
			.verify(TIMEOUT));
	}

	@Test
	void withoutSpringCloudLoadBalancerThereIsNoDiscovery() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(LoadBalancerClientFactory.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(BackendDiscovery.class);
			assertThat(context.getBean(ResilienceSupport.class).discovery()).isSameAs(BackendDiscovery.NONE);
		});
	}

	@Test
	void springCloudLoadBalancerSwitchedOffIsNamedWhenAServiceIsResolved() {
		this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.enabled=false")
			.run((context) -> assertThatExceptionOfType(InvalidSettingException.class)
				.isThrownBy(() -> context.getBean(BackendDiscovery.class).source("local-llm", "vllm"))
				.satisfies((ex) -> assertThat(ex.key()).isEqualTo("base-url"))
				.withMessageContaining("spring.cloud.loadbalancer.enabled=false"));
	}

	@Test
	void anApplicationsOwnDiscoveryIsUsed() {
		BackendDiscovery own = (clientName, serviceId) -> BackendSource.fixed(List.of());
		this.contextRunner.withBean(BackendDiscovery.class, () -> own).run((context) -> {
			assertThat(context.getBean(BackendDiscovery.class)).isSameAs(own);
			assertThat(context.getBean(ResilienceSupport.class).discovery()).isSameAs(own);
		});
	}

	@Test
	void aRefreshIntervalThatIsNotPositiveFailsAtStartup() {
		this.contextRunner.withPropertyValues("sentinel.load-balancer.refresh-interval=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("sentinel.load-balancer.refresh-interval")
				.hasMessageContaining("must be positive"));
	}

}
