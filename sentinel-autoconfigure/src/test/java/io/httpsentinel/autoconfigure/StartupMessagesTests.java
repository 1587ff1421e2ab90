package io.httpsentinel.autoconfigure;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Startup failures a new user meets read as the fix: a base URL without a scheme shows
 * the URL with one, durations print as they are written in YAML ({@code 10m}, not
 * {@code PT10M}), and a typo in a key is reported with the nearest valid key, in Spring
 * Boot's failure report of a real application.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupMessagesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelAutoConfiguration.class, WebClientAutoConfiguration.class,
				SslAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS);

	@Test
	void aBaseUrlWithoutSchemeShowsTheUrlWithOne() {
		assertRejected("sentinel.clients.weather.base-url", "127.0.0.1:9099",
				"has no scheme: write it as 'http://127.0.0.1:9099'",
				"sentinel.clients.weather.base-url=127.0.0.1:9099");
		assertRejected("sentinel.clients.weather.base-url", "localhost:8080",
				"has no scheme: write it as 'http://localhost:8080'",
				"sentinel.clients.weather.base-url=localhost:8080");
		assertRejected("sentinel.clients.weather.base-url", "api.example.com/v1",
				"has no scheme: write it as 'https://api.example.com/v1'",
				"sentinel.clients.weather.base-url=api.example.com/v1");
	}

	@Test
	void aBaseUrlWithAnotherSchemeStillSaysWhichOnesWork() {
		assertRejected("sentinel.clients.weather.base-url", "ftp://example.com",
				"must be an absolute http:// or https:// URL", "sentinel.clients.weather.base-url=ftp://example.com");
	}

	@Test
	void durationsPrintAsWrittenInYaml() {
		assertRejected("sentinel.clients.weather.timeouts.response-headers", "10m",
				"must be shorter than timeouts.total (10m)", "sentinel.clients.weather.base-url=http://localhost:9090",
				"sentinel.defaults.timeouts.total=10m", "sentinel.clients.weather.timeouts.response-headers=10m");
		assertRejected("sentinel.clients.weather.retry.max-delay", "1500ms",
				"must not be shorter than retry.initial-delay (90s)",
				"sentinel.clients.weather.base-url=http://localhost:9090",
				"sentinel.clients.weather.retry.initial-delay=90s", "sentinel.clients.weather.retry.max-delay=1500ms");
		assertRejected("sentinel.clients.weather.sse.resume.max-delay", "1s",
				"must not be shorter than sse.resume.initial-delay (2s)",
				"sentinel.clients.weather.base-url=http://localhost:9090",
				"sentinel.clients.weather.sse.resume.initial-delay=2s",
				"sentinel.clients.weather.sse.resume.max-delay=1s");
		assertRejected("sentinel.clients.weather.timeouts.connect", "-5s", "must be greater than 0",
				"sentinel.clients.weather.base-url=http://localhost:9090",
				"sentinel.clients.weather.timeouts.connect=-5s");
	}

	@Test
	void aTypoInAKeyFailsARealApplicationWithTheNearestKey(CapturedOutput output) {
		assertThatException().isThrownBy(
				() -> startApp("spring.config.location=classpath:io/httpsentinel/autoconfigure/unknown-keys.yml"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("'sentinel.clients.weather.pool.max-conections' of client 'weather'")
			.contains("(from class path resource [io/httpsentinel/autoconfigure/unknown-keys.yml] - 7:")
			.contains("did you mean 'pool.max-connections'?")
			.contains("Action:");
	}

	@Test
	void aBaseUrlWithoutSchemeFailsARealApplicationWithTheFix(CapturedOutput output) {
		assertThatException().isThrownBy(() -> startApp("sentinel.clients.weather.base-url=127.0.0.1:9099"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("'sentinel.clients.weather.base-url'")
			.contains("has no scheme: write it as 'http://127.0.0.1:9099'");
	}

	private void assertRejected(String key, String shownValue, String reason, String... properties) {
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo(key);
					assertThat(ex.getValue()).hasToString(shownValue);
					assertThat(ex.getReason()).contains(reason).doesNotContain("PT");
				});
		});
	}

	private static void startApp(String... properties) {
		new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.run(Arrays.stream(properties).map((property) -> "--" + property).toArray(String[]::new))
			.close();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
