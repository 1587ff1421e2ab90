package io.httpsentinel.resilience;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.Internal;

/**
 * Finds the backends of a service a client's base URL names ({@code lb://service}):
 * Spring Cloud LoadBalancer when it is on the class path, {@link #NONE} otherwise.
 */
@Internal
@FunctionalInterface
public interface BackendDiscovery {

	/**
	 * No discovery: a base URL naming a service fails, saying what is missing.
	 */
	BackendDiscovery NONE = (clientName, serviceId) -> {
		throw new InvalidSettingException("base-url", "lb://" + serviceId,
				"names a service, which needs Spring Cloud LoadBalancer: add the dependency "
						+ "org.springframework.cloud:spring-cloud-starter-loadbalancer (with spring-cloud-dependencies)");
	};

	/**
	 * The backends of a service.
	 * @param clientName the client whose base URL names it
	 * @param serviceId the service, the host of its {@code lb://} URL
	 * @return where its backends come from
	 * @throws InvalidSettingException when the service cannot be resolved
	 */
	BackendSource source(String clientName, String serviceId);

}
