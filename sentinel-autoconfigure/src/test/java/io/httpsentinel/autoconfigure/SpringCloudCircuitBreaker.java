package io.httpsentinel.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JAutoConfiguration;

/**
 * The auto-configurations an application with Sentinel gets for Spring Cloud
 * CircuitBreaker: Spring Cloud's reactive one and the Resilience4j registries it needs,
 * which Sentinel provides.
 */
public final class SpringCloudCircuitBreaker {

	public static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations
		.of(ReactiveResilience4JAutoConfiguration.class, SentinelResilience4jAutoConfiguration.class);

	private SpringCloudCircuitBreaker() {
	}

}
