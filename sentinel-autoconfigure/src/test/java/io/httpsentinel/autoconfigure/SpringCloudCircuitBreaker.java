package io.httpsentinel.autoconfigure;

import io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadAutoConfiguration;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JAutoConfiguration;

/**
 * The auto-configurations an application gets from Spring Cloud CircuitBreaker: the
 * Resilience4j registries come from Resilience4j's own Boot module.
 */
public final class SpringCloudCircuitBreaker {

	public static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations.of(
			ReactiveResilience4JAutoConfiguration.class, CircuitBreakerAutoConfiguration.class,
			TimeLimiterAutoConfiguration.class, BulkheadAutoConfiguration.class);

	private SpringCloudCircuitBreaker() {
	}

}
