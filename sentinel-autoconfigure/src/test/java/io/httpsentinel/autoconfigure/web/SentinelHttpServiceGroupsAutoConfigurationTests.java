package io.httpsentinel.autoconfigure.web;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.service.ReactiveHttpServiceClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.HttpServiceGroup.ClientType;
import org.springframework.web.service.registry.HttpServiceGroupConfigurer;
import org.springframework.web.service.registry.ImportHttpServices;

import io.httpsentinel.autoconfigure.SentinelAutoConfiguration;
import io.httpsentinel.autoconfigure.SpringCloudCircuitBreaker;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.testsupport.SelfSignedCertificate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SentinelHttpServiceGroupsAutoConfiguration}: when the configurers
 * exist, their order against Spring Boot's own, and how
 * {@code spring.http.serviceclient.<group>.*} meets the client of the group's name.
 */
class SentinelHttpServiceGroupsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelAutoConfiguration.class, WebClientAutoConfiguration.class,
				RestClientAutoConfiguration.class, SslAutoConfiguration.class,
				HttpServiceClientPropertiesAutoConfiguration.class, HttpServiceClientAutoConfiguration.class,
				ReactiveHttpServiceClientAutoConfiguration.class, SentinelHttpServiceGroupsAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS)
		.withPropertyValues("sentinel.clients.weather.base-url=http://127.0.0.1:9090/api",
				"sentinel.clients.weather.default-headers.x-api-key=secret",
				"sentinel.clients.news.base-url=http://127.0.0.1:9091");

	@Test
	void withoutHttpServiceGroupsThereAreNoConfigurers() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(SentinelRestClientHttpServiceGroupConfigurer.class)
			.doesNotHaveBean(SentinelWebClientHttpServiceGroupConfigurer.class));
	}

	@Test
	void withHttpServiceGroupsBothKindsAreConfigured() {
		this.contextRunner.withUserConfiguration(Groups.class)
			.run((context) -> assertThat(context).hasSingleBean(SentinelRestClientHttpServiceGroupConfigurer.class)
				.hasSingleBean(SentinelWebClientHttpServiceGroupConfigurer.class));
	}

	@Test
	void aConfigurerOfTheApplicationReplacesSentinels() {
		this.contextRunner.withUserConfiguration(Groups.class, OwnConfigurer.class)
			.run((context) -> assertThat(context.getBeansOfType(SentinelRestClientHttpServiceGroupConfigurer.class))
				.containsOnlyKeys("ownConfigurer"));
	}

	@Test
	void sentinelConfiguresRestClientGroupsAfterSpringBoot() {
		this.contextRunner.withUserConfiguration(Groups.class)
			.run((context) -> assertThat(orderedNames(
					context.getBeanProvider(RestClientHttpServiceGroupConfigurer.class).orderedStream().toList()))
				.containsSubsequence("PropertiesRestClientHttpServiceGroupConfigurer",
						"RestClientCustomizerHttpServiceGroupConfigurer",
						"SentinelRestClientHttpServiceGroupConfigurer"));
	}

	@Test
	void sentinelConfiguresWebClientGroupsAfterSpringBoot() {
		this.contextRunner.withUserConfiguration(Groups.class)
			.run((context) -> assertThat(orderedNames(
					context.getBeanProvider(WebClientHttpServiceGroupConfigurer.class).orderedStream().toList()))
				.containsSubsequence("PropertiesWebClientHttpServiceGroupConfigurer",
						"WebClientCustomizerHttpServiceGroupConfigurer",
						"SentinelWebClientHttpServiceGroupConfigurer"));
	}

	@Test
	void aDifferentBaseUrlOfTheGroupFailsStartup() {
		assertConflict("base-url", "base-url", "spring.http.serviceclient.weather.base-url=http://127.0.0.1:8080");
	}

	@Test
	void aDifferentBaseUrlOfAWebClientGroupFailsStartup() {
		assertConflictInGroup("news", "base-url", "base-url",
				"spring.http.serviceclient.news.base-url=http://localhost:9091");
	}

	@Test
	void aDifferentValueForOneOfTheClientsHeadersFailsStartup() {
		assertConflict("default-header.x-api-key", "default-headers.x-api-key",
				"spring.http.serviceclient.weather.default-header.x-api-key=other");
	}

	@Test
	void aHeaderConflictNeverShowsTheValues() {
		this.contextRunner.withUserConfiguration(Groups.class)
			.withPropertyValues("spring.http.serviceclient.weather.default-header.X-Api-Key=leaked-value")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.message()
				.contains("spring.http.serviceclient.weather.default-header.X-Api-Key")
				.doesNotContain("secret")
				.doesNotContain("leaked-value"));
	}

	@Test
	void aDifferentConnectTimeoutOfTheGroupFailsStartup() {
		assertConflict("connect-timeout", "timeouts.connect", "spring.http.serviceclient.weather.connect-timeout=1s");
	}

	@Test
	void aConflictShowsDurationsAsWrittenInYaml() {
		this.contextRunner.withUserConfiguration(Groups.class)
			.withPropertyValues("spring.http.serviceclient.weather.connect-timeout=1500ms")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getValue()).isEqualTo("1500ms");
					assertThat(ex.getReason()).contains("the client connects within 5s").doesNotContain("PT");
				}));
	}

	@Test
	void aReadTimeoutOfTheGroupFailsStartup() {
		assertConflict("read-timeout", "timeouts.read-idle", "spring.http.serviceclient.weather.read-timeout=30s");
	}

	@Test
	void followingRedirectsInTheGroupFailsStartup() {
		this.contextRunner.withUserConfiguration(Groups.class)
			.withPropertyValues("spring.http.serviceclient.weather.redirects=follow")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("Property spring.http.serviceclient.weather.redirects ")
				.hasMessageContaining("never follow redirects"));
	}

	@Test
	void anSslBundleOfTheGroupFailsStartup(@TempDir Path directory) throws Exception {
		SelfSignedCertificate certificate = SelfSignedCertificate.create(directory);
		assertConflict("ssl.bundle", "ssl.bundle", "spring.http.serviceclient.weather.ssl.bundle=partner",
				"spring.ssl.bundle.pem.partner.truststore.certificate=file:" + certificate.certificatePem());
	}

	@Test
	void groupSettingsThatAgreeWithTheClientStart() {
		this.contextRunner.withUserConfiguration(Groups.class)
			.withPropertyValues("spring.http.serviceclient.weather.base-url=http://127.0.0.1:9090/api/",
					"spring.http.serviceclient.weather.default-header.x-api-key=secret",
					"spring.http.serviceclient.weather.default-header.x-team=search",
					"spring.http.serviceclient.weather.connect-timeout=5s",
					"spring.http.serviceclient.weather.redirects=dont-follow",
					"spring.http.serviceclient.weather.apiversion.default=2",
					"spring.http.serviceclient.weather.apiversion.insert.header=X-API-Version")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aGroupNamedUnlikeAClientMayUseEverySetting() {
		this.contextRunner.withUserConfiguration(Groups.class)
			.withPropertyValues("spring.http.serviceclient.other.base-url=http://127.0.0.1:8080",
					"spring.http.serviceclient.other.read-timeout=1s",
					"spring.http.serviceclient.other.redirects=follow")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void settingsOfAClientNameWithoutAGroupAreNotChecked() {
		this.contextRunner.withUserConfiguration(Groups.class)
			.withPropertyValues("sentinel.clients.search.base-url=http://127.0.0.1:9092",
					"spring.http.serviceclient.search.base-url=http://127.0.0.1:8080")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	private void assertConflict(String groupKey, String clientKey, String... properties) {
		assertConflictInGroup("weather", groupKey, clientKey, properties);
	}

	private void assertConflictInGroup(String group, String groupKey, String clientKey, String... properties) {
		this.contextRunner.withUserConfiguration(Groups.class).withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("Property spring.http.serviceclient." + group + "." + groupKey + " ")
				.hasMessageContaining("HTTP service group '" + group + "'")
				.hasMessageContaining("Sentinel client '" + group + "'")
				.hasMessageContaining("sentinel.clients." + group + "." + clientKey);
		});
	}

	private static List<String> orderedNames(List<? extends HttpServiceGroupConfigurer<?>> configurers) {
		return configurers.stream().map((configurer) -> configurer.getClass().getSimpleName()).toList();
	}

	interface WeatherApi {

		@GetExchange("/current")
		String current();

	}

	interface NewsApi {

		@GetExchange("/current")
		String current();

	}

	interface OtherApi {

		@GetExchange("/current")
		String current();

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "weather", types = WeatherApi.class)
	@ImportHttpServices(group = "news", types = NewsApi.class, clientType = ClientType.WEB_CLIENT)
	@ImportHttpServices(group = "other", types = OtherApi.class)
	static class Groups {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnConfigurer {

		@Bean
		SentinelRestClientHttpServiceGroupConfigurer ownConfigurer(SentinelClients clients, Environment environment) {
			return new SentinelRestClientHttpServiceGroupConfigurer(clients, List.of(), environment);
		}

	}

}
