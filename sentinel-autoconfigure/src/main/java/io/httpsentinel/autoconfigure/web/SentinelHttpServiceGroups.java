package io.httpsentinel.autoconfigure.web;

import java.util.function.BiConsumer;

import org.springframework.cloud.client.circuitbreaker.httpservice.CircuitBreakerAdapterDecorator;
import org.springframework.cloud.client.circuitbreaker.httpservice.ReactiveCircuitBreakerAdapterDecorator;
import org.springframework.core.env.Environment;
import org.springframework.web.service.invoker.HttpExchangeAdapter;
import org.springframework.web.service.invoker.HttpExchangeAdapterDecorator;
import org.springframework.web.service.registry.HttpServiceGroupConfigurer.Groups;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;

/**
 * Picks the HTTP service groups named like a Sentinel client, checks their
 * {@code spring.http.serviceclient.<group>.*} properties against the client, hands each
 * group's client builder to the client and keeps Spring Cloud's circuit breaker off the
 * group; the RestClient and WebClient configurers differ only in the builder.
 */
final class SentinelHttpServiceGroups {

	private final SentinelClients clients;

	private final HttpServiceGroupConflicts conflicts;

	SentinelHttpServiceGroups(SentinelClients clients, Environment environment) {
		this.clients = clients;
		this.conflicts = HttpServiceGroupConflicts.bind(environment);
	}

	<B> void configure(Groups<B> groups, BiConsumer<SentinelClient, B> configure) {
		// Groups with other names are left to Spring Boot, Spring Cloud and the
		// application.
		groups.filter((group) -> this.clients.find(group.name()).isPresent())
			.forEachGroup((group, builder, proxyFactory) -> {
				SentinelClient client = this.clients.get(group.name());
				this.conflicts.check(group.name(), client);
				configure.accept(client, builder);
				proxyFactory.exchangeAdapterDecorator(SentinelHttpServiceGroups::withoutSpringCloudCircuitBreaker);
			});
	}

	/**
	 * Spring Cloud Commons wraps every group in a circuit breaker named after the group
	 * whenever the application has a circuit breaker factory, as every application with
	 * Sentinel has. Around a Sentinel client that is a second breaker over the same
	 * calls, with Spring Cloud's time limit, and it turns every error, an open breaker's
	 * included, into a {@code NoFallbackAvailableException}. The client's pipeline is the
	 * group's breaker: its decoration is taken off again (it is the outermost one, since
	 * Sentinel's configurer runs after Spring Cloud's).
	 */
	private static HttpExchangeAdapter withoutSpringCloudCircuitBreaker(HttpExchangeAdapter adapter) {
		if (adapter instanceof CircuitBreakerAdapterDecorator
				|| adapter instanceof ReactiveCircuitBreakerAdapterDecorator) {
			return ((HttpExchangeAdapterDecorator) adapter).getHttpExchangeAdapter();
		}
		return adapter;
	}

}
