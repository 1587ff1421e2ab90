package io.httpsentinel.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.resilience.BackendEndpoint;
import io.httpsentinel.resilience.OutlierDetectionSettings;
import io.httpsentinel.resilience.PauseScope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keys of a client with several backends ({@code endpoints},
 * {@code outlier-detection.*}, {@code pause-scope}) as Spring Boot binds them: both forms
 * of an endpoint, inheritance from {@code sentinel.defaults}, typos reported, and bad
 * values failing startup with the key named.
 */
class EndpointsPropertiesTests {

	private static final String FIRST = "sentinel.clients.x.endpoints[0]=http://127.0.0.1:1";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelAutoConfiguration.class, WebClientAutoConfiguration.class,
				SslAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS);

	@Test
	void anEndpointWrittenAsAPlainUrlAndOneWithAUrlAndAWeightBothBind() {
		this.contextRunner
			.withPropertyValues(FIRST, "sentinel.clients.x.endpoints[1].url=http://127.0.0.1:2/v1",
					"sentinel.clients.x.endpoints[1].weight=3")
			.run((context) -> assertThat(settings(context).backends().endpoints()).containsExactly(
					new BackendEndpoint(URI.create("http://127.0.0.1:1"), 1),
					new BackendEndpoint(URI.create("http://127.0.0.1:2/v1"), 3)));
	}

	@Test
	void endpointsWrittenAsOneCommaSeparatedValueBind() {
		this.contextRunner.withPropertyValues("sentinel.clients.x.endpoints=http://127.0.0.1:1,http://127.0.0.1:2")
			.run((context) -> assertThat(settings(context).backends().endpoints()).containsExactly(
					BackendEndpoint.of(URI.create("http://127.0.0.1:1")),
					BackendEndpoint.of(URI.create("http://127.0.0.1:2"))));
	}

	@Test
	void endpointsFromEnvironmentVariablesBind() {
		this.contextRunner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(environmentVariables(Map.of("SENTINEL_CLIENTS_X_ENDPOINTS_0", "http://127.0.0.1:1",
					"SENTINEL_CLIENTS_X_ENDPOINTS_1_URL", "http://127.0.0.1:2", "SENTINEL_CLIENTS_X_ENDPOINTS_1_WEIGHT",
					"2", "SENTINEL_CLIENTS_X_OUTLIERDETECTION_MAXEJECTIONPERCENT", "40"))))
			.run((context) -> {
				ClientSettings settings = settings(context);
				assertThat(settings.backends().endpoints()).containsExactly(
						BackendEndpoint.of(URI.create("http://127.0.0.1:1")),
						new BackendEndpoint(URI.create("http://127.0.0.1:2"), 2));
				assertThat(settings.backends().outlierDetection().maxEjectionPercent()).isEqualTo(40);
			});
	}

	@Test
	void outlierDetectionAndPauseScopeAreInheritedFromDefaultsKeyByKey() {
		this.contextRunner
			.withPropertyValues(FIRST, "sentinel.defaults.outlier-detection.base-ejection-time=10s",
					"sentinel.defaults.outlier-detection.consecutive-5xx=7", "sentinel.defaults.pause-scope=client",
					"sentinel.clients.x.outlier-detection.consecutive-5xx=3",
					"sentinel.clients.x.outlier-detection.consecutive-gateway-failures=2")
			.run((context) -> {
				ClientSettings settings = settings(context);
				assertThat(settings.backends().outlierDetection()).isEqualTo(
						new OutlierDetectionSettings(true, 3, 2, Duration.ofSeconds(10), Duration.ofMinutes(5), 50));
				assertThat(settings.backends().pauseScope()).isEqualTo(PauseScope.CLIENT);
			});
	}

	@Test
	void withoutOutlierDetectionKeysTheBuiltInDefaultsApply() {
		this.contextRunner.withPropertyValues(FIRST).run((context) -> {
			ClientSettings settings = settings(context);
			assertThat(settings.backends().outlierDetection()).isEqualTo(OutlierDetectionSettings.DEFAULTS);
			assertThat(settings.backends().pauseScope()).isEqualTo(PauseScope.BACKEND);
		});
	}

	@Test
	void consecutive5xxWithoutTheDashIsTheSameKeyToSpringBoot() {
		this.contextRunner.withPropertyValues(FIRST, "sentinel.clients.x.outlier-detection.consecutive5xx=4")
			.run((context) -> assertThat(settings(context).backends().outlierDetection().consecutive5xx())
				.isEqualTo(4));
	}

	@Test
	void aTypoInEndpointsIsReportedWithTheNearestKey() {
		this.contextRunner.withPropertyValues(FIRST, "sentinel.clients.x.endpoint[1]=http://127.0.0.1:2")
			.run((context) -> assertThat(StartupFailure.mostSpecificMessage(context))
				.contains("'sentinel.clients.x.endpoint[1]'")
				.contains("did you mean 'endpoints'?"));
	}

	@Test
	void aTypoInsideAnEndpointIsReportedWithTheNearestKey() {
		this.contextRunner
			.withPropertyValues(FIRST, "sentinel.clients.x.endpoints[1].url=http://127.0.0.1:2",
					"sentinel.clients.x.endpoints[1].wieght=2")
			.run((context) -> assertThat(StartupFailure.mostSpecificMessage(context))
				.contains("'sentinel.clients.x.endpoints[1].wieght'")
				.contains("did you mean 'endpoints[n].weight'?"));
	}

	@Test
	void aTypoInOutlierDetectionIsReportedWithTheNearestKey() {
		this.contextRunner
			.withPropertyValues(FIRST, "sentinel.clients.x.outlier-detection.consecutive-5xxx=3",
					"sentinel.defaults.outlier-detection.base-ejection-tme=10s")
			.run((context) -> assertThat(StartupFailure.mostSpecificMessage(context))
				.contains("'sentinel.clients.x.outlier-detection.consecutive-5xxx'")
				.contains("did you mean 'outlier-detection.consecutive5xx'?")
				.contains("'sentinel.defaults.outlier-detection.base-ejection-tme'")
				.contains("did you mean 'outlier-detection.base-ejection-time'?"));
	}

	@Test
	void aWeightBelowOneFailsStartupNamingTheEndpoint() {
		assertStartupFailure("sentinel.clients.x.endpoints[1].weight", "must be at least 1", FIRST,
				"sentinel.clients.x.endpoints[1].url=http://127.0.0.1:2", "sentinel.clients.x.endpoints[1].weight=0");
	}

	@Test
	void anEndpointThatIsNoHttpUrlFailsStartupNamingTheEndpoint() {
		assertStartupFailure("sentinel.clients.x.endpoints[1].url", "http://", FIRST,
				"sentinel.clients.x.endpoints[1]=ftp://127.0.0.1:2");
		assertStartupFailure("sentinel.clients.x.endpoints[0].url", "http://",
				"sentinel.clients.x.endpoints[0]=lb://vllm");
	}

	@Test
	void anEndpointWithAWeightButNoUrlFailsStartupNamingTheEndpoint() {
		assertStartupFailure("sentinel.clients.x.endpoints[1].url", "must be set", FIRST,
				"sentinel.clients.x.endpoints[1].weight=2");
	}

	@Test
	void baseUrlAndEndpointsTogetherFailStartupNamingTheClientsEndpoints() {
		assertStartupFailure("sentinel.clients.x.endpoints", "cannot be set together with base-url", FIRST,
				"sentinel.clients.x.base-url=http://127.0.0.1:3");
	}

	@Test
	void outlierDetectionValuesOutOfRangeFailStartupNamingTheKey() {
		assertStartupFailure("sentinel.clients.x.outlier-detection.max-ejection-percent", "between 0 and 100", FIRST,
				"sentinel.clients.x.outlier-detection.max-ejection-percent=101");
		assertStartupFailure("sentinel.clients.x.outlier-detection.consecutive-5xx", "greater than 0", FIRST,
				"sentinel.clients.x.outlier-detection.consecutive-5xx=0");
		assertStartupFailure("sentinel.clients.x.outlier-detection.max-ejection-time",
				"must not be shorter than outlier-detection.base-ejection-time", FIRST,
				"sentinel.clients.x.outlier-detection.base-ejection-time=1m",
				"sentinel.clients.x.outlier-detection.max-ejection-time=30s");
	}

	private void assertStartupFailure(String key, String reason, String... properties) {
		StartupFailure.assertNamesKey(this.contextRunner, key, reason, properties);
	}

	private static ClientSettings settings(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(SentinelClients.class).get("x").settings();
	}

	private static SystemEnvironmentPropertySource environmentVariables(Map<String, Object> variables) {
		// Spring Boot maps a source of this name as it maps the process environment.
		return new SystemEnvironmentPropertySource("test-systemEnvironment", variables);
	}

}
