package io.httpsentinel.autoconfigure;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key under {@code sentinel.defaults}, {@code sentinel.clients.<name>} or
 * {@code sentinel.sse} that no property binds fails startup, naming the key, the client
 * and the nearest valid key; every form Spring Boot binds is still accepted.
 */
class UnknownPropertiesTests {

	private static final String BASE_URL = "sentinel.clients.x.base-url=http://localhost:9090";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelAutoConfiguration.class, SseProxyAutoConfiguration.class,
				WebClientAutoConfiguration.class, SslAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS);

	@Test
	void aTypoInAClientKeyFailsStartupNamingTheKeyTheClientAndTheNearestKey() {
		this.contextRunner.withPropertyValues(BASE_URL, "sentinel.clients.x.pool.max-conections=5")
			.run((context) -> assertThat(StartupFailure.mostSpecificMessage(context))
				.contains("'sentinel.clients.x.pool.max-conections'")
				.contains("client 'x'")
				.contains("did you mean 'pool.max-connections'?"));
	}

	@Test
	void aTypoUnderDefaultsFailsStartupNamingTheNearestKey() {
		this.contextRunner.withPropertyValues("sentinel.defaults.timeouts.red-idle=5s")
			.run((context) -> assertThat(StartupFailure.mostSpecificMessage(context))
				.contains("'sentinel.defaults.timeouts.red-idle'")
				.contains("sentinel.defaults")
				.contains("did you mean 'timeouts.read-idle'?"));
	}

	@Test
	void aKeyWithoutItsGroupIsPointedToTheGroup() {
		this.contextRunner.withPropertyValues(BASE_URL, "sentinel.clients.x.max-connections=5")
			.run((context) -> assertThat(StartupFailure.mostSpecificMessage(context))
				.contains("did you mean 'pool.max-connections'?"));
	}

	@Test
	void aTypoInAMapPropertyNameIsPointedToTheMap() {
		this.contextRunner.withPropertyValues(BASE_URL, "sentinel.clients.x.default-header.x-api-key=k")
			.run((context) -> assertThat(StartupFailure.mostSpecificMessage(context))
				.contains("did you mean 'default-headers.x-api-key'?"));
	}

	@Test
	void aKeyFarFromEveryKnownOneGetsNoSuggestion() {
		this.contextRunner.withPropertyValues(BASE_URL, "sentinel.clients.x.favourite-colour=blue")
			.run((context) -> assertThat(StartupFailure.mostSpecificMessage(context))
				.contains("'sentinel.clients.x.favourite-colour'")
				.doesNotContain("did you mean"));
	}

	@Test
	void everyUnknownKeyIsListedAtOnce() {
		this.contextRunner
			.withPropertyValues(BASE_URL, "sentinel.clients.x.pool.max-conections=5",
					"sentinel.clients.y.base-url=http://localhost:9091", "sentinel.clients.y.retry.max-retrys=1")
			.run((context) -> assertThat(StartupFailure.mostSpecificMessage(context))
				.contains("'sentinel.clients.x.pool.max-conections'")
				.contains("'sentinel.clients.y.retry.max-retrys'")
				.contains("did you mean 'retry.max-retries'?"));
	}

	@Test
	void aTypoUnderSentinelSseIsPointedToItsKeys() {
		this.contextRunner.withPropertyValues("sentinel.sse.max-stream=5")
			.run((context) -> assertThat(StartupFailure.mostSpecificMessage(context))
				.contains("'sentinel.sse.max-stream'")
				.contains("did you mean 'max-streams'?"));
	}

	@Test
	void aTypoInAnEnvironmentVariableFailsStartupNamingTheVariable() {
		this.contextRunner.withPropertyValues(BASE_URL)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(environmentVariables(Map.of("SENTINEL_CLIENTS_X_POOL_MAXCONECTIONS", "5"))))
			.run((context) -> assertThat(StartupFailure.mostSpecificMessage(context))
				.contains("SENTINEL_CLIENTS_X_POOL_MAXCONECTIONS")
				.contains("client 'x'")
				.contains("did you mean 'pool.max-connections'?"));
	}

	@Test
	void everyFormSpringBootBindsIsAccepted() {
		this.contextRunner
			.withPropertyValues(BASE_URL, "sentinel.clients.x.pool.max-connections=7",
					"sentinel.clients.x.pool.maxIdleTime=7s", "sentinel.clients.x.pool.pending_acquire_max_count=7",
					"sentinel.clients.x.timeouts.read-idle=7s", "sentinel.clients.x.retry.statuses[0]=429",
					"sentinel.clients.x.retry.statuses[1]=503", "sentinel.clients.x.default-headers.X-Api-Key=k",
					"sentinel.clients.x.default-headers[X-Trace.Id]=t", "sentinel.clients.x.redact-headers[0]=X-Secret",
					"sentinel.clients.x.sse.reconnect.initial-delay=2s", "sentinel.clients.x.sse.resume.enabled=true",
					"sentinel.clients.x.circuit-breaker.wait-in-open=7s", "sentinel.clients.x.retry.budget.ratio=0.5",
					"sentinel.defaults.health.fail-on-open-circuit=true", "sentinel.defaults.log=basic",
					"sentinel.sse.max-streams=7", "sentinel.sse.shutdown-retry=7s",
					// Groups of their own, bound elsewhere or not at all: not checked.
					"sentinel.web.problem-details.enabled=false", "sentinel.chaos.full=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ClientSettings settings = context.getBean(SentinelClients.class).get("x").settings();
				assertThat(settings.pool().maxConnections()).isEqualTo(7);
				assertThat(settings.pool().maxIdleTime()).isEqualTo(Duration.ofSeconds(7));
				assertThat(settings.pool().pendingAcquireMaxCount()).isEqualTo(7);
				assertThat(settings.retry().statuses()).containsExactlyInAnyOrder(429, 503);
				assertThat(settings.defaultHeaders()).containsKeys("X-Api-Key", "X-Trace.Id");
			});
	}

	@Test
	void environmentVariablesInBothFormsAreAccepted() {
		this.contextRunner.withPropertyValues(BASE_URL)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(environmentVariables(Map.of("SENTINEL_CLIENTS_X_POOL_MAXCONNECTIONS", "7",
						"SENTINEL_CLIENTS_X_TIMEOUTS_READ_IDLE", "7s", "SENTINEL_CLIENTS_X_RETRY_STATUSES_0", "429",
						"SENTINEL_CLIENTS_X_DEFAULTHEADERS_XAPIKEY", "k", "SENTINEL_DEFAULTS_SSE_MAXSTREAMS", "7"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ClientSettings settings = context.getBean(SentinelClients.class).get("x").settings();
				assertThat(settings.pool().maxConnections()).isEqualTo(7);
				assertThat(settings.timeouts().readIdle()).isEqualTo(Duration.ofSeconds(7));
				assertThat(settings.retry().statuses()).containsExactly(429);
			});
	}

	@Test
	void anIndexedListOverriddenByAHigherSourceIsAccepted() {
		this.contextRunner.withPropertyValues(BASE_URL, "sentinel.clients.x.retry.statuses=502")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addLast(new MapPropertySource("lower",
						Map.of("sentinel.clients.x.retry.statuses[0]", "429", "sentinel.clients.x.retry.statuses[1]",
								"503"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SentinelClients.class).get("x").settings().retry().statuses())
					.containsExactly(502);
			});
	}

	private static SystemEnvironmentPropertySource environmentVariables(Map<String, Object> variables) {
		// Spring Boot maps a source of this name as it maps the process environment.
		return new SystemEnvironmentPropertySource("test-systemEnvironment", variables);
	}

}
