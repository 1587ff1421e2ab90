package io.httpsentinel.autoconfigure.health;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

import io.httpsentinel.autoconfigure.SentinelAutoConfiguration;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.health.SentinelHealthIndicator;

/**
 * Auto-configuration of the {@code sentinel} health contributor: one component per client
 * ({@link SentinelHealthIndicator}). Off with
 * {@code management.health.sentinel.enabled=false}.
 */
@AutoConfiguration(after = SentinelAutoConfiguration.class)
@ConditionalOnClass({ HealthContributor.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(SentinelClients.class)
public final class SentinelHealthContributorAutoConfiguration {

	// On the method, not the class: a class-level condition whose type is missing fails
	// when this class is imported without Spring Boot's class-presence pre-filter.
	@Bean
	@ConditionalOnEnabledHealthIndicator("sentinel")
	@ConditionalOnMissingBean(name = { "sentinelHealthIndicator", "sentinelHealthContributor" })
	HealthContributor sentinelHealthContributor(SentinelClients clients) {
		// Blocking is right here: the state is in memory, nothing waits on I/O.
		return SentinelHealthIndicator.composite(clients);
	}

}
