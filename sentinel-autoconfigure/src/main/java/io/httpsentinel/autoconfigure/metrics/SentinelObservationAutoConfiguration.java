package io.httpsentinel.autoconfigure.metrics;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationProperties;
import org.springframework.boot.webclient.autoconfigure.WebClientObservationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ClientRequestObservationConvention;
import org.springframework.web.reactive.function.client.DefaultClientRequestObservationConvention;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.SentinelClientCustomizer;
import io.httpsentinel.metrics.ClientTagMeterFilter;
import io.httpsentinel.metrics.SentinelClientRequestObservationConvention;
import io.httpsentinel.metrics.SentinelRestClientRequestObservationConvention;

/**
 * Auto-configuration of the {@code client} key of every Sentinel client's HTTP client
 * observation ({@code http.client.requests}). Each client's {@code WebClient} and
 * {@code RestClient} come from Spring Boot's builders, which already record the
 * observation; this sets, per client and for each of the two, the convention Boot would
 * use (the application's {@link ClientRequestObservationConvention} bean, or Spring's
 * default under {@code management.observations.http.client.requests.name}) extended by
 * that key. With Micrometer, the {@code http.client.requests} meters of other HTTP
 * clients get {@code client=none}, so that every meter of that name has the same tag
 * keys, as Prometheus requires.
 */
@AutoConfiguration(after = { ObservationAutoConfiguration.class, WebClientObservationAutoConfiguration.class })
@ConditionalOnClass({ WebClient.class, ObservationRegistry.class, ObservationProperties.class })
@ConditionalOnBean(ObservationRegistry.class)
@EnableConfigurationProperties(ObservationProperties.class)
public final class SentinelObservationAutoConfiguration {

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SentinelClientCustomizer sentinelObservationConventionCustomizer(
			ObjectProvider<ClientRequestObservationConvention> customConvention,
			ObjectProvider<org.springframework.http.client.observation.ClientRequestObservationConvention> customRestConvention,
			ObservationProperties properties) {
		ClientRequestObservationConvention convention = convention(customConvention, properties);
		org.springframework.http.client.observation.ClientRequestObservationConvention restConvention = customRestConvention
			.getIfAvailable(
					() -> new org.springframework.http.client.observation.DefaultClientRequestObservationConvention(
							properties.getHttp().getClient().getRequests().getName()));
		return new SentinelClientCustomizer() {

			@Override
			public void customizeWebClient(String clientName, WebClient.Builder builder) {
				builder.observationConvention(new SentinelClientRequestObservationConvention(clientName, convention));
			}

			@Override
			public void customizeRestClient(String clientName, RestClient.Builder builder) {
				builder.observationConvention(
						new SentinelRestClientRequestObservationConvention(clientName, restConvention));
			}

		};
	}

	/**
	 * The convention Spring Boot gives every {@code WebClient} it builds.
	 */
	private static ClientRequestObservationConvention convention(
			ObjectProvider<ClientRequestObservationConvention> customConvention, ObservationProperties properties) {
		String name = properties.getHttp().getClient().getRequests().getName();
		return customConvention.getIfAvailable(() -> new DefaultClientRequestObservationConvention(name));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterFilter.class)
	static final class ClientTagConfiguration {

		@Bean
		ClientTagMeterFilter sentinelClientTagMeterFilter(
				ObjectProvider<ClientRequestObservationConvention> customConvention, ObservationProperties properties) {
			String name = convention(customConvention, properties).getName();
			return new ClientTagMeterFilter(
					(name != null) ? name : properties.getHttp().getClient().getRequests().getName());
		}

	}

}
