package io.httpsentinel.autoconfigure.web;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HttpServiceCircuitBreakersEnvironmentPostProcessor}.
 */
class HttpServiceCircuitBreakersEnvironmentPostProcessorTests {

	private final HttpServiceCircuitBreakersEnvironmentPostProcessor postProcessor = new HttpServiceCircuitBreakersEnvironmentPostProcessor();

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void switchesSpringCloudsGroupBreakersOffByDefault() {
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(this.environment.getProperty(HttpServiceCircuitBreakersEnvironmentPostProcessor.BLOCKING))
			.isEqualTo("false");
		assertThat(this.environment.getProperty(HttpServiceCircuitBreakersEnvironmentPostProcessor.REACTIVE))
			.isEqualTo("false");
	}

	@Test
	void theApplicationsOwnSettingWins() {
		this.environment.setProperty(HttpServiceCircuitBreakersEnvironmentPostProcessor.BLOCKING, "true");
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(this.environment.getProperty(HttpServiceCircuitBreakersEnvironmentPostProcessor.BLOCKING))
			.isEqualTo("true");
		assertThat(this.environment.getProperty(HttpServiceCircuitBreakersEnvironmentPostProcessor.REACTIVE))
			.isEqualTo("false");
	}

}
