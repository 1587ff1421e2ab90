package io.httpsentinel.autoconfigure;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.bulkhead.ThreadPoolBulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Resilience4j registries that Spring Cloud CircuitBreaker's auto-configurations
 * inject. Spring Cloud's starter gets them from Resilience4j's Boot 3 module, which
 * Sentinel leaves out (it targets Boot 3 and brings Jackson 2, Kotlin and Resilience4j's
 * retry and rate limiter); an application that adds {@code resilience4j-spring-boot3}
 * itself gets that module's registries (and its {@code resilience4j.*} properties)
 * instead, since this configuration runs after it and backs off.
 */
@AutoConfiguration(
		afterName = { "io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
				"io.github.resilience4j.springboot3.timelimiter.autoconfigure.TimeLimiterAutoConfiguration",
				"io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadAutoConfiguration" },
		beforeName = { "org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JAutoConfiguration",
				"org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JAutoConfiguration" })
@ConditionalOnClass({ ReactiveResilience4JCircuitBreakerFactory.class, CircuitBreakerRegistry.class,
		TimeLimiterRegistry.class })
public final class SentinelResilience4jAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CircuitBreakerRegistry circuitBreakerRegistry() {
		return CircuitBreakerRegistry.ofDefaults();
	}

	@Bean
	@ConditionalOnMissingBean
	TimeLimiterRegistry timeLimiterRegistry() {
		return TimeLimiterRegistry.ofDefaults();
	}

	/**
	 * Registries for Spring Cloud's bulkhead, which it applies only when the application
	 * brings {@code resilience4j-bulkhead} (Sentinel then lifts it for its clients).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Bulkhead.class)
	static class BulkheadRegistries {

		@Bean
		@ConditionalOnMissingBean
		BulkheadRegistry bulkheadRegistry() {
			return BulkheadRegistry.ofDefaults();
		}

		@Bean
		@ConditionalOnMissingBean
		ThreadPoolBulkheadRegistry threadPoolBulkheadRegistry() {
			return ThreadPoolBulkheadRegistry.ofDefaults();
		}

	}

}
