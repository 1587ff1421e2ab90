package io.httpsentinel.autoconfigure.web;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.http.client.autoconfigure.HttpClientProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.reactive.function.client.support.WebClientAdapter;
import org.springframework.web.service.registry.HttpServiceProxyRegistry;

import io.httpsentinel.autoconfigure.SentinelAutoConfiguration;
import io.httpsentinel.client.SentinelClientCustomizer;
import io.httpsentinel.client.SentinelClients;

/**
 * Auto-configuration that backs every HTTP service group ({@code @ImportHttpServices})
 * named like a Sentinel client ({@code sentinel.clients.<name>}) with that client, for
 * {@code RestClient} and {@code WebClient} groups alike. Applies only when the
 * application declares HTTP service groups, as Spring Boot's own group configuration
 * does.
 */
@AutoConfiguration(after = SentinelAutoConfiguration.class)
@ConditionalOnClass(HttpClientProperties.class)
@ConditionalOnBean({ SentinelClients.class, HttpServiceProxyRegistry.class })
public final class SentinelHttpServiceGroupsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RestClientAdapter.class)
	static final class RestClientGroupsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SentinelRestClientHttpServiceGroupConfigurer sentinelRestClientHttpServiceGroupConfigurer(
				SentinelClients clients, ObjectProvider<SentinelClientCustomizer> customizers,
				Environment environment) {
			return new SentinelRestClientHttpServiceGroupConfigurer(clients, customizers.orderedStream().toList(),
					environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebClientAdapter.class)
	static final class WebClientGroupsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SentinelWebClientHttpServiceGroupConfigurer sentinelWebClientHttpServiceGroupConfigurer(SentinelClients clients,
				ObjectProvider<SentinelClientCustomizer> customizers, Environment environment) {
			return new SentinelWebClientHttpServiceGroupConfigurer(clients, customizers.orderedStream().toList(),
					environment);
		}

	}

}
