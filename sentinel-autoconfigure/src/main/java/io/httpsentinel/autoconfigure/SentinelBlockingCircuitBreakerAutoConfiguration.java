package io.httpsentinel.autoconfigure;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JAutoConfiguration;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigurationProperties;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4jBulkheadProvider;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Spring Cloud CircuitBreaker's blocking {@link Resilience4JCircuitBreakerFactory} in an
 * application without Resilience4j's Boot 3 module, where
 * {@link BlockingResilience4jImportFilter} leaves Spring Cloud's own auto-configuration
 * out. The same bean under the same name, conditions and customizers, with Spring Cloud's
 * own nested configurations for its bulkhead, meters, meter group tag and observations:
 * an application's {@code CircuitBreakerFactory}, and Spring Cloud's breakers on
 * {@code RestClient} HTTP service groups
 * ({@code spring.cloud.circuitbreaker.http-services.enabled}), work as with Spring
 * Cloud's starter. With the module present this backs off and Spring Cloud's
 * auto-configuration runs.
 */
@AutoConfiguration(after = SentinelResilience4jAutoConfiguration.class,
		afterName = {
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" },
		// Its HTTP service group configurer is conditional on a CircuitBreakerFactory.
		beforeName = "org.springframework.cloud.client.CommonsClientAutoConfiguration")
@ConditionalOnClass({ Resilience4JCircuitBreakerFactory.class, CircuitBreakerRegistry.class,
		TimeLimiterRegistry.class })
@ConditionalOnMissingClass(BlockingResilience4jImportFilter.ORDERED_AFTER)
@ConditionalOnProperty(name = { "spring.cloud.circuitbreaker.resilience4j.enabled",
		"spring.cloud.circuitbreaker.resilience4j.blocking.enabled" }, matchIfMissing = true)
@EnableConfigurationProperties(Resilience4JConfigurationProperties.class)
@Import({ Resilience4JAutoConfiguration.Resilience4jBulkheadConfiguration.class,
		Resilience4JAutoConfiguration.MicrometerResilience4JCustomizerConfiguration.class,
		Resilience4JAutoConfiguration.MicrometerResilience4JGroupCustomizerConfiguration.class,
		Resilience4JAutoConfiguration.ObservationRegistryCustomizerResilience4jCustomizer.class })
public final class SentinelBlockingCircuitBreakerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(CircuitBreakerFactory.class)
	Resilience4JCircuitBreakerFactory resilience4jCircuitBreakerFactory(CircuitBreakerRegistry circuitBreakerRegistry,
			TimeLimiterRegistry timeLimiterRegistry, ObjectProvider<Resilience4jBulkheadProvider> bulkheadProvider,
			Resilience4JConfigurationProperties properties,
			ObjectProvider<Customizer<Resilience4JCircuitBreakerFactory>> customizers) {
		Resilience4JCircuitBreakerFactory factory = new Resilience4JCircuitBreakerFactory(circuitBreakerRegistry,
				timeLimiterRegistry, bulkheadProvider.getIfAvailable(), properties);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(factory));
		return factory;
	}

}
