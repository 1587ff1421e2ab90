package io.httpsentinel.autoconfigure;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SentinelClientConnectionDetails} beans, as a Testcontainers
 * {@code @ServiceConnection} registers them, applied by
 * {@link SentinelAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class SentinelClientConnectionDetailsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelAutoConfiguration.class, WebClientAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS);

	@Test
	void baseUrlOfConnectionDetailsWinsOverTheConfiguredOne() {
		this.contextRunner.withPropertyValues("sentinel.clients.llm.base-url=https://api.example.com",
				"sentinel.clients.llm.timeouts.connect=3s", "sentinel.clients.weather.base-url=http://localhost:9090")
			.withBean("llmConnection", SentinelClientConnectionDetails.class,
					() -> details("llm", "http://127.0.0.1:32768"))
			.run((context) -> {
				SentinelClients clients = context.getBean(SentinelClients.class);
				assertThat(clients.get("llm").settings().baseUrl()).isEqualTo(URI.create("http://127.0.0.1:32768"));
				assertThat(clients.get("llm").settings().timeouts().connect()).hasSeconds(3);
				assertThat(clients.get("weather").settings().baseUrl()).isEqualTo(URI.create("http://localhost:9090"));
			});
	}

	@Test
	void connectionDetailsSupplyABaseUrlThatIsNotConfigured() {
		this.contextRunner.withPropertyValues("sentinel.clients.llm.retry.max-retries=1")
			.withBean(SentinelClientConnectionDetails.class, () -> details("llm", "http://127.0.0.1:32768"))
			.run((context) -> assertThat(context.getBean(SentinelClients.class).get("llm").settings().baseUrl())
				.isEqualTo(URI.create("http://127.0.0.1:32768")));
	}

	@Test
	void connectionDetailsNamingNoConfiguredClientAreIgnoredWithALogLine(CapturedOutput output) {
		this.contextRunner.withPropertyValues("sentinel.clients.llm.base-url=https://api.example.com")
			.withBean(SentinelClientConnectionDetails.class, () -> details("postgres", "http://127.0.0.1:5432"))
			.run((context) -> {
				assertThat(context.getBean(SentinelClients.class).names()).containsExactly("llm");
				assertThat(output).contains("Ignoring Sentinel connection details for 'postgres'")
					.contains("(configured: [llm])");
			});
	}

	@Test
	void invalidBaseUrlOfConnectionDetailsFailsStartupNamingTheClient() {
		this.contextRunner.withPropertyValues("sentinel.clients.llm.base-url=https://api.example.com")
			.withBean(SentinelClientConnectionDetails.class, () -> details("llm", "ftp://127.0.0.1:21"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("base-url")
				.hasMessageContaining("http://"));
	}

	private static SentinelClientConnectionDetails details(String clientName, String baseUrl) {
		return new SentinelClientConnectionDetails() {

			@Override
			public String getClientName() {
				return clientName;
			}

			@Override
			public URI getBaseUrl() {
				return URI.create(baseUrl);
			}

		};
	}

}
