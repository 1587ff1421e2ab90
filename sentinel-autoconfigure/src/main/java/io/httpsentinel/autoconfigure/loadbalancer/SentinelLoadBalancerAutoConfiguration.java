package io.httpsentinel.autoconfigure.loadbalancer;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;

import io.httpsentinel.autoconfigure.SentinelAutoConfiguration;
import io.httpsentinel.resilience.BackendDiscovery;

/**
 * Auto-configuration of the {@link BackendDiscovery} that resolves a client's
 * {@code lb://service} base URL through Spring Cloud LoadBalancer, when it is on the
 * class path. Without it, such a base URL fails at startup.
 */
@AutoConfiguration(before = SentinelAutoConfiguration.class, after = LoadBalancerAutoConfiguration.class)
@ConditionalOnClass(LoadBalancerClientFactory.class)
@EnableConfigurationProperties(SentinelLoadBalancerProperties.class)
public final class SentinelLoadBalancerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BackendDiscovery sentinelBackendDiscovery(ObjectProvider<LoadBalancerClientFactory> loadBalancerClientFactory,
			SentinelLoadBalancerProperties properties) {
		Duration refreshInterval = properties.getRefreshInterval();
		if (refreshInterval.isNegative() || refreshInterval.isZero()) {
			throw new InvalidConfigurationPropertyValueException("sentinel.load-balancer.refresh-interval",
					refreshInterval, "must be positive");
		}
		return new LoadBalancerBackendDiscovery(loadBalancerClientFactory, refreshInterval);
	}

}
