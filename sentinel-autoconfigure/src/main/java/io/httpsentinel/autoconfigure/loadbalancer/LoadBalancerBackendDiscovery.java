package io.httpsentinel.autoconfigure.loadbalancer;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.resilience.BackendDiscovery;
import io.httpsentinel.resilience.BackendSettings;
import io.httpsentinel.resilience.BackendSource;

/**
 * Finds a service's backends through Spring Cloud LoadBalancer: the
 * {@link ServiceInstanceListSupplier} of the service's load-balancer context, so that the
 * application's discovery client and load-balancer configuration (health checks, zone
 * preference, caching) decide which instances there are.
 */
final class LoadBalancerBackendDiscovery implements BackendDiscovery {

	private final ObjectProvider<LoadBalancerClientFactory> clientFactory;

	private final Duration refreshInterval;

	LoadBalancerBackendDiscovery(ObjectProvider<LoadBalancerClientFactory> clientFactory, Duration refreshInterval) {
		this.clientFactory = clientFactory;
		this.refreshInterval = refreshInterval;
	}

	@Override
	public BackendSource source(String clientName, String serviceId) {
		String url = BackendSettings.SERVICE_SCHEME + "://" + serviceId;
		LoadBalancerClientFactory factory = this.clientFactory.getIfAvailable();
		if (factory == null) {
			throw new InvalidSettingException("base-url", url, "names a service, but Spring Cloud LoadBalancer "
					+ "is switched off (no LoadBalancerClientFactory bean; spring.cloud.loadbalancer.enabled=false?)");
		}
		ServiceInstanceListSupplier supplier = factory.getInstance(serviceId, ServiceInstanceListSupplier.class);
		if (supplier == null) {
			throw new InvalidSettingException("base-url", url,
					"names a service for which Spring Cloud LoadBalancer has no ServiceInstanceListSupplier: "
							+ "add a discovery client (or spring.cloud.discovery.client.simple.instances." + serviceId
							+ "[0].uri)");
		}
		return new ServiceInstanceBackendSource(url, supplier, this.refreshInterval);
	}

}
