package io.httpsentinel.autoconfigure.health;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DiscoveryHealthEnvironmentPostProcessor}.
 */
class DiscoveryHealthEnvironmentPostProcessorTests {

	private final DiscoveryHealthEnvironmentPostProcessor postProcessor = new DiscoveryHealthEnvironmentPostProcessor();

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void switchesTheSimpleDiscoveryClientsHealthIndicatorsOffByDefault() {
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(this.environment.getProperty(DiscoveryHealthEnvironmentPostProcessor.HEALTH_INDICATOR))
			.isEqualTo("false");
	}

	@Test
	void theApplicationsOwnSettingWins() {
		this.environment.setProperty(DiscoveryHealthEnvironmentPostProcessor.HEALTH_INDICATOR, "true");
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(this.environment.getProperty(DiscoveryHealthEnvironmentPostProcessor.HEALTH_INDICATOR))
			.isEqualTo("true");
	}

}
