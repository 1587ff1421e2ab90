package io.httpsentinel.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.ExchangeLogLevel;
import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binding of the logging, redaction and health keys, and their inheritance from
 * {@code sentinel.defaults}.
 */
class ObservabilityPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelAutoConfiguration.class, WebClientAutoConfiguration.class,
				SslAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS)
		.withPropertyValues("sentinel.clients.weather.base-url=http://localhost:9090");

	@Test
	void defaultsApplyWhenNothingIsSet() {
		this.contextRunner.run((context) -> {
			ClientSettings settings = context.getBean(SentinelClients.class).get("weather").settings();
			assertThat(settings.log().level()).isEqualTo(ExchangeLogLevel.NONE);
			assertThat(settings.log().bodyLimit()).isEqualTo(DataSize.ofKilobytes(4));
			assertThat(settings.redaction().headers()).isEmpty();
			assertThat(settings.health().failsOnOpenCircuit()).isFalse();
		});
	}

	@Test
	void clientInheritsAndOverridesTheDefaults() {
		this.contextRunner
			.withPropertyValues("sentinel.defaults.log=headers", "sentinel.defaults.log-body-limit=1KB",
					"sentinel.defaults.redact-headers=X-Org", "sentinel.defaults.redact-query-parameters=appkey",
					"sentinel.defaults.health.fail-on-open-circuit=true", "sentinel.clients.weather.log=BODY",
					"sentinel.clients.weather.redact-headers=x-tenant,X-Session-Ref")
			.run((context) -> {
				ClientSettings settings = context.getBean(SentinelClients.class).get("weather").settings();
				assertThat(settings.log().level()).isEqualTo(ExchangeLogLevel.BODY);
				assertThat(settings.log().bodyLimit()).isEqualTo(DataSize.ofKilobytes(1));
				assertThat(settings.redaction().headers()).containsExactly("x-org", "x-session-ref", "x-tenant");
				assertThat(settings.redaction().queryParameters()).containsExactly("appkey");
				assertThat(settings.health().failsOnOpenCircuit()).isTrue();
			});
	}

	@Test
	void nonPositiveLogBodyLimitFailsNamingClientAndKey() {
		StartupFailure.assertNamesKey(this.contextRunner, "sentinel.clients.weather.log-body-limit",
				"must be greater than 0", "sentinel.clients.weather.log-body-limit=0B");
	}

	@Test
	void unknownLogLevelFailsNamingTheKey() {
		this.contextRunner.withPropertyValues("sentinel.clients.weather.log=verbose").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("verbose")
				.hasMessageContaining(ExchangeLogLevel.class.getName());
			assertThat(context).getFailure()
				.hasStackTraceContaining("Failed to bind properties under 'sentinel.clients.weather.log'");
		});
	}

}
