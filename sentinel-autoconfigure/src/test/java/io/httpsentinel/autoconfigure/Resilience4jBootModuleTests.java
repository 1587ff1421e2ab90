package io.httpsentinel.autoconfigure;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadAutoConfiguration;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JAutoConfiguration;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.context.ConfigurableApplicationContext;

import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that adds Resilience4j's Boot 3 module itself: Sentinel's registries
 * back off, and Resilience4j's {@code resilience4j.*} properties apply to the clients'
 * breakers. The module is on the class path of this test only (its own surefire
 * execution, see the module's pom); every other test runs without it, as an application
 * with the starter does. Spring Cloud's blocking auto-configuration runs as it does with
 * Spring Cloud's starter: Sentinel's import filter and stand-in leave it alone.
 */
class Resilience4jBootModuleTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelAutoConfiguration.class, WebClientAutoConfiguration.class,
				SslAutoConfiguration.class, CircuitBreakerAutoConfiguration.class, TimeLimiterAutoConfiguration.class,
				BulkheadAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS)
		.withPropertyValues("sentinel.clients.llm.base-url=http://127.0.0.1:9");

	@Test
	void springCloudsFactoryGetsTheModulesRegistries() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(CircuitBreakerRegistry.class);
			assertThat(context).hasSingleBean(TimeLimiterRegistry.class);
			assertThat(context).hasSingleBean(BulkheadRegistry.class);
			assertThat(context.getBean(ReactiveResilience4JCircuitBreakerFactory.class).getCircuitBreakerRegistry())
				.isSameAs(context.getBean(CircuitBreakerRegistry.class));
		});
	}

	@Test
	void resilience4jsInstancePropertiesWinOverTheClientsSettings() {
		this.contextRunner.withPropertyValues("resilience4j.circuitbreaker.instances.llm.minimum-number-of-calls=3")
			.run((context) -> assertThat(context.getBean(SentinelClients.class)
				.get("llm")
				.circuitBreaker()
				.resilience4j()
				.getCircuitBreakerConfig()
				.getMinimumNumberOfCalls()).as("Sentinel's own default is 20").isEqualTo(3));
	}

	@Test
	void aRealApplicationGetsSpringCloudsOwnBlockingAutoConfiguration() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).run("--server.port=0",
				"--sentinel.clients.llm.base-url=http://127.0.0.1:9")) {
			assertThat(context.getBean(CircuitBreakerFactory.class))
				.isInstanceOf(Resilience4JCircuitBreakerFactory.class);
			assertThat(context.getBeanFactory()
				.getBeanDefinition("resilience4jCircuitBreakerFactory")
				.getFactoryBeanName()).isEqualTo(Resilience4JAutoConfiguration.class.getName());
			assertThat(context.getBeanNamesForType(SentinelBlockingCircuitBreakerAutoConfiguration.class)).isEmpty();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
