package io.httpsentinel.test.testcontainers;

import java.net.URI;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsNotFoundException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.httpsentinel.autoconfigure.SentinelAutoConfiguration;
import io.httpsentinel.autoconfigure.SentinelClientConnectionDetails;
import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SentinelClientContainerConnectionDetailsFactory} with containers
 * declared as beans (Spring Boot's {@link ServiceConnectionAutoConfiguration}, as in a
 * {@code @TestConfiguration} or a dev-time {@code TestcontainersConfiguration}), without
 * Docker: the containers are {@link LoopbackContainer stand-ins}.
 */
class SentinelClientContainerConnectionDetailsFactoryTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ServiceConnectionAutoConfiguration.class,
				SentinelAutoConfiguration.class, WebClientAutoConfiguration.class))
		.withPropertyValues("sentinel.clients.llm.base-url=https://api.example.com");

	@Test
	void aContainerAskingForASentinelConnectionSetsTheBaseUrlOfItsClient() {
		this.contextRunner.withUserConfiguration(SentinelContainer.class)
			.run((context) -> assertThat(context.getBean(SentinelClients.class).get("llm").settings().baseUrl())
				.isEqualTo(URI.create("http://127.0.0.1:32768")));
	}

	@Test
	void aContainerThatDoesNotAskForASentinelConnectionIsLeftToOtherFactories() {
		this.contextRunner.withUserConfiguration(UntypedContainer.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(ConnectionDetailsNotFoundException.class)
				.hasMessageContaining(
						"No ConnectionDetails found for source '@ServiceConnection source for Bean 'llm'"));
	}

	@Configuration(proxyBeanMethods = false)
	static class SentinelContainer {

		@Bean
		@ServiceConnection(name = "llm", type = SentinelClientConnectionDetails.class)
		LoopbackContainer llm() {
			return new LoopbackContainer("example/mock-llm:1.0", 32768);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UntypedContainer {

		@Bean
		@ServiceConnection(name = "llm")
		LoopbackContainer llm() {
			return new LoopbackContainer("example/mock-llm:1.0", 32768);
		}

	}

}
