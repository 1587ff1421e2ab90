package io.httpsentinel.autoconfigure.health;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Switches off Spring Cloud Commons' health indicators of the simple discovery clients,
 * unless the application sets
 * {@code spring.cloud.discovery.client.health-indicator.enabled} itself.
 * <p>
 * Sentinel brings Spring Cloud Commons (for Spring Cloud CircuitBreaker), which registers
 * a {@code SimpleDiscoveryClient} in every application and reports it as the health
 * components {@code discoveryComposite} and {@code reactiveDiscoveryClients}, both
 * {@code UNKNOWN} ("Discovery Client not initialized") in an application that does not
 * use discovery. Discovery itself stays on (Spring Cloud LoadBalancer uses the simple
 * client), and so do the indicators of a real discovery client such as Eureka's. The
 * property source is added last, so any other source wins: set the property to
 * {@code true} to get the indicators back.
 */
public final class DiscoveryHealthEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "sentinelDiscoveryHealth";

	static final String HEALTH_INDICATOR = "spring.cloud.discovery.client.health-indicator.enabled";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(HEALTH_INDICATOR, "false")));
	}

}
