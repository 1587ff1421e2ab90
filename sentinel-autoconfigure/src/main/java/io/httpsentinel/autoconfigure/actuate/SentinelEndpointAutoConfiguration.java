package io.httpsentinel.autoconfigure.actuate;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.httpsentinel.actuate.SentinelEndpoint;
import io.httpsentinel.autoconfigure.SentinelAutoConfiguration;
import io.httpsentinel.client.SentinelClients;

/**
 * Auto-configuration of the {@code sentinel} actuator endpoint, present when exposed
 * (e.g. {@code management.endpoints.web.exposure.include=health,sentinel}).
 */
@AutoConfiguration(after = SentinelAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(SentinelClients.class)
public final class SentinelEndpointAutoConfiguration {

	// On the method, not the class: a class-level condition whose type is missing fails
	// when this class is imported without Spring Boot's class-presence pre-filter.
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	SentinelEndpoint sentinelEndpoint(SentinelClients clients) {
		return new SentinelEndpoint(clients);
	}

}
