package io.httpsentinel.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;

import io.httpsentinel.autoconfigure.loadbalancer.SentinelLoadBalancerAutoConfiguration;
import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application without Spring Cloud LoadBalancer: a client whose base URL names a
 * service fails at startup, naming the key and the dependency to add; the others work.
 */
class ServiceBaseUrlWithoutLoadBalancerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withClassLoader(new FilteredClassLoader(LoadBalancerClientFactory.class))
		.withConfiguration(AutoConfigurations.of(SentinelLoadBalancerAutoConfiguration.class,
				SentinelAutoConfiguration.class, WebClientAutoConfiguration.class, SslAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS);

	@Test
	void aServiceBaseUrlFailsAtStartupSayingWhatToAdd() {
		StartupFailure.assertNamesKey(this.contextRunner, "sentinel.clients.vllm.base-url",
				"spring-cloud-starter-loadbalancer", "sentinel.clients.vllm.base-url=lb://vllm/v1");
	}

	@Test
	void aClientWithOneBaseUrlWorksAsBefore() {
		this.contextRunner.withPropertyValues("sentinel.clients.weather.base-url=http://localhost:9090")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SentinelClients.class).get("weather").backends()).isEmpty();
			});
	}

}
