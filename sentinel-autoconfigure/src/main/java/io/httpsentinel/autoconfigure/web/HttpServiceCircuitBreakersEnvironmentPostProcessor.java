package io.httpsentinel.autoconfigure.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Switches off Spring Cloud CircuitBreaker's wrapping of every HTTP service group, unless
 * the application sets {@code spring.cloud.circuitbreaker.http-services.enabled} or
 * {@code spring.cloud.circuitbreaker.reactive-http-services.enabled} itself.
 * <p>
 * Sentinel brings Spring Cloud CircuitBreaker for its clients' breakers. With it on the
 * class path, Spring Cloud Commons puts a breaker named after the group around every
 * {@code @ImportHttpServices} group, with Resilience4j's one-second time limit, and turns
 * every error into a {@code NoFallbackAvailableException}: an application that adds
 * Sentinel would see its other groups' calls change. Groups named like a Sentinel client
 * have the client's own breaker. The property source is added last, so any other source
 * wins: set the properties to {@code true} to get Spring Cloud's wrapping (and
 * {@code @HttpServiceFallback}) back for the other groups.
 */
public final class HttpServiceCircuitBreakersEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "sentinelHttpServiceCircuitBreakers";

	static final String BLOCKING = "spring.cloud.circuitbreaker.http-services.enabled";

	static final String REACTIVE = "spring.cloud.circuitbreaker.reactive-http-services.enabled";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put(BLOCKING, "false");
		defaults.put(REACTIVE, "false");
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
	}

}
