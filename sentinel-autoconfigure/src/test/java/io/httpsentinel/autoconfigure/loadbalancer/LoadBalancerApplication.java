package io.httpsentinel.autoconfigure.loadbalancer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.config.LoadBalancerCacheAutoConfiguration;

import io.httpsentinel.autoconfigure.SentinelAutoConfiguration;
import io.httpsentinel.autoconfigure.SpringCloudCircuitBreaker;

/**
 * The auto-configurations an application with Sentinel, Spring Cloud LoadBalancer and
 * Spring Cloud's static instances ({@code spring.cloud.discovery.client.simple.*}) gets,
 * named rather than all found on the class path, which takes twice as long to start.
 */
final class LoadBalancerApplication {

	private LoadBalancerApplication() {
	}

	static ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SentinelLoadBalancerAutoConfiguration.class,
					SentinelAutoConfiguration.class, WebClientAutoConfiguration.class, SslAutoConfiguration.class,
					UtilAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class,
					SimpleReactiveDiscoveryClientAutoConfiguration.class, LoadBalancerAutoConfiguration.class,
					LoadBalancerCacheAutoConfiguration.class))
			.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS);
	}

}
