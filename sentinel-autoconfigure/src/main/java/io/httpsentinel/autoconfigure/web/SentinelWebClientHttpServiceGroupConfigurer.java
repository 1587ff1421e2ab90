package io.httpsentinel.autoconfigure.web;

import java.util.List;

import org.springframework.cloud.client.loadbalancer.reactive.DeferringLoadBalancerExchangeFilterFunction;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancedExchangeFilterFunction;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientCustomizer;
import io.httpsentinel.client.SentinelClients;

/**
 * Backs each {@code WebClient} HTTP service group
 * ({@code @ImportHttpServices(clientType = WEB_CLIENT)}) whose name is a Sentinel
 * client's name with that client: its base URL, default headers, connection pool and
 * whole pipeline (see {@link SentinelClient#configure(WebClient.Builder)}), after the
 * {@link SentinelClientCustomizer}s, so that the pipeline's filters stay the innermost
 * ones, as in the client's own {@code WebClient}. Groups with other names are left alone.
 * <p>
 * Runs at {@link #ORDER}, the order of
 * {@link SentinelRestClientHttpServiceGroupConfigurer}: after Spring Boot's and Spring
 * Cloud's configurers, before the application's own.
 */
public final class SentinelWebClientHttpServiceGroupConfigurer implements WebClientHttpServiceGroupConfigurer {

	/**
	 * Order of Sentinel's HTTP service group configurers.
	 */
	public static final int ORDER = SentinelRestClientHttpServiceGroupConfigurer.ORDER;

	private final SentinelHttpServiceGroups groups;

	private final List<SentinelClientCustomizer> customizers;

	/**
	 * Create a configurer over the given clients.
	 * @param clients the Sentinel clients
	 * @param customizers the customizers of the clients, in order
	 * @param environment the environment, for {@code spring.http.serviceclient.*}
	 */
	public SentinelWebClientHttpServiceGroupConfigurer(SentinelClients clients,
			List<SentinelClientCustomizer> customizers, Environment environment) {
		this.groups = new SentinelHttpServiceGroups(clients, environment);
		this.customizers = List.copyOf(customizers);
	}

	@Override
	public void configureGroups(Groups<WebClient.Builder> groups) {
		this.groups.configure(groups, (client, builder) -> {
			// Spring Cloud LoadBalancer's configurer (before this one) load-balances
			// every
			// group without a Boot base URL; the client chooses its backends itself.
			builder
				.filters((filters) -> filters.removeIf((filter) -> filter instanceof LoadBalancedExchangeFilterFunction
						|| filter instanceof DeferringLoadBalancerExchangeFilterFunction));
			this.customizers.forEach((customizer) -> customizer.customizeWebClient(client.name(), builder));
			client.configure(builder);
		});
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
