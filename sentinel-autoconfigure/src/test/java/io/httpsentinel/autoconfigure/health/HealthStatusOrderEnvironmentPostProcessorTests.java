package io.httpsentinel.autoconfigure.health;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.mock.env.MockEnvironment;

import io.httpsentinel.health.SentinelHealthIndicator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HealthStatusOrderEnvironmentPostProcessor}.
 */
class HealthStatusOrderEnvironmentPostProcessorTests {

	private final HealthStatusOrderEnvironmentPostProcessor postProcessor = new HealthStatusOrderEnvironmentPostProcessor();

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void addsCircuitOpenBetweenOutOfServiceAndUp() {
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(order()).containsExactly("DOWN", "OUT_OF_SERVICE", SentinelHealthIndicator.CIRCUIT_OPEN.getCode(),
				"UP", "UNKNOWN");
	}

	@Test
	void leavesAnOrderSetByTheApplication() {
		this.environment.setProperty("management.endpoint.health.status.order", "DOWN,UP");
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(order()).containsExactly("DOWN", "UP");
		assertThat(this.environment.getPropertySources()
			.contains(HealthStatusOrderEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
	}

	@Test
	void leavesAnOrderSetAsAnIndexedList() {
		this.environment.setProperty("management.endpoint.health.status.order[0]", "UP");
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(order()).containsExactly("UP");
	}

	@Test
	void doesNothingWithoutSpringBootHealth() {
		SpringApplication application = new SpringApplication();
		application.setResourceLoader(new DefaultResourceLoader(new FilteredClassLoader(Status.class)));
		this.postProcessor.postProcessEnvironment(this.environment, application);
		assertThat(this.environment.containsProperty("management.endpoint.health.status.order")).isFalse();
	}

	@Test
	void namesTheStatusClassOfSpringBoot4() {
		assertThat(HealthStatusOrderEnvironmentPostProcessor.STATUS_CLASS).isEqualTo(Status.class.getName());
	}

	@Test
	void runsInASpringApplication() {
		// Keep the application from reconfiguring logging for the other tests.
		String previous = System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(EmptyConfiguration.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.run()) {
			assertThat(context.getEnvironment().getProperty("management.endpoint.health.status.order"))
				.isEqualTo(HealthStatusOrderEnvironmentPostProcessor.ORDER);
		}
		finally {
			if (previous != null) {
				System.setProperty(LoggingSystem.SYSTEM_PROPERTY, previous);
			}
			else {
				System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
			}
		}
	}

	private List<String> order() {
		return Binder.get(this.environment)
			.bind("management.endpoint.health.status.order", Bindable.listOf(String.class))
			.orElse(List.of());
	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

}
