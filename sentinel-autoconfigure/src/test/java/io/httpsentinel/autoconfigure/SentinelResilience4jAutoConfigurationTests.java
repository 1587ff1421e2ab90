package io.httpsentinel.autoconfigure;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4jBulkheadProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SentinelResilience4jAutoConfiguration}: Spring Cloud CircuitBreaker
 * without Resilience4j's Boot 3 module (the starter's default: this module's tests run
 * without it, see {@link Resilience4jBootModuleTests} for an application that adds it),
 * with or without the bulkhead module.
 */
class SentinelResilience4jAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelAutoConfiguration.class, WebClientAutoConfiguration.class,
				SslAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				SentinelBlockingCircuitBreakerAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS)
		.withPropertyValues("sentinel.clients.llm.base-url=http://127.0.0.1:9");

	@Test
	void theseTestsRunWithoutResilience4jsBootModuleAsAnApplicationDoes() {
		assertThat(ClassUtils.isPresent(
				"io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
				getClass().getClassLoader()))
			.isFalse();
	}

	@Test
	void springCloudsFactoryGetsSentinelsRegistries() {
		this.contextRunner.run((context) -> {
			ReactiveResilience4JCircuitBreakerFactory factory = context
				.getBean(ReactiveResilience4JCircuitBreakerFactory.class);
			assertThat(factory.getCircuitBreakerRegistry()).isSameAs(context.getBean(CircuitBreakerRegistry.class));
			assertThat(factory.getTimeLimiterRegistry()).isSameAs(context.getBean(TimeLimiterRegistry.class));
			assertThat(factory.getCircuitBreakerRegistry().find("llm"))
				.hasValue(client(context).circuitBreaker().resilience4j());
		});
	}

	@Test
	void breakerMetersAreBoundWithoutResilience4jsBootModule() {
		this.contextRunner.run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.find("resilience4j.circuitbreaker.state").tag("name", "llm").meters()).isNotEmpty();
			assertThat(meters.find("resilience4j.circuitbreaker.not.permitted.calls").tag("name", "llm").meters())
				.isNotEmpty();
		});
	}

	@Test
	void withoutTheBulkheadModuleThereIsNoBulkheadToLiftNorItsGauges() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Bulkhead.class)).run((context) -> {
			assertThat(context).hasSingleBean(SentinelClients.class);
			assertThat(context).doesNotHaveBean(ReactiveResilience4jBulkheadProvider.class);
			assertThat(context).doesNotHaveBean(BulkheadRegistry.class);
			assertThat(context).doesNotHaveBean("sentinelBulkheadCustomizer");
			assertThat(context.getBean(MeterRegistry.class)
				.find("resilience4j.bulkhead.max.allowed.concurrent.calls")
				.meters()).isEmpty();
		});
	}

	@Test
	void withTheBulkheadModuleSentinelLiftsSpringCloudsBulkheadForItsClients() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasBean("sentinelBulkheadCustomizer");
			ReactiveResilience4jBulkheadProvider bulkheads = context
				.getBean(ReactiveResilience4jBulkheadProvider.class);
			assertThat(bulkheads.getBulkheadRegistry()).isSameAs(context.getBean(BulkheadRegistry.class));
			assertThat(bulkheads.getBulkheadRegistry().find("llm"))
				.hasValueSatisfying((bulkhead) -> assertThat(bulkhead.getBulkheadConfig().getMaxConcurrentCalls())
					.isEqualTo(Integer.MAX_VALUE));
		});
	}

	@Test
	void withSpringCloudsBreakersSwitchedOffClientsHaveTheirOwnFactory() {
		this.contextRunner.withPropertyValues("spring.cloud.circuitbreaker.resilience4j.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ReactiveResilience4JCircuitBreakerFactory.class);
				assertThat(client(context).circuitBreaker().resilience4j()).isNotNull();
			});
	}

	private static SentinelClient client(ApplicationContext context) {
		return context.getBean(SentinelClients.class).get("llm");
	}

}
