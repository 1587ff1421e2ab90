package io.httpsentinel.autoconfigure.web;

import java.util.List;

import org.springframework.cloud.client.loadbalancer.BlockingLoadBalancerInterceptor;
import org.springframework.cloud.client.loadbalancer.DeferringLoadBalancerInterceptor;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientCustomizer;
import io.httpsentinel.client.SentinelClients;

/**
 * Backs each {@code RestClient} HTTP service group ({@code @ImportHttpServices}) whose
 * name is a Sentinel client's name with that client: its base URL, default headers,
 * connection pool and whole pipeline (see
 * {@link SentinelClient#configure(RestClient.Builder)}), then the
 * {@link SentinelClientCustomizer}s, as for the client's own {@code RestClient}. Groups
 * with other names are left alone.
 * <p>
 * Runs at {@link #ORDER}: after Spring Boot's configurers of
 * {@code spring.http.serviceclient.<group>.*} ({@code HIGHEST_PRECEDENCE}) and of the
 * application's {@code RestClientCustomizer}s ({@code 0}), so the client's transport and
 * base URL win, and after Spring Cloud's ({@code 10} to {@code 16}), whose circuit
 * breaker it takes off the group (the client's own breaker guards it); before the
 * application's own configurers (unordered ones run last), which can still change the
 * builder. Group settings that the client would silently override fail startup (see the
 * README's "HTTP service interfaces").
 */
public final class SentinelRestClientHttpServiceGroupConfigurer implements RestClientHttpServiceGroupConfigurer {

	/**
	 * Order of Sentinel's HTTP service group configurers.
	 */
	public static final int ORDER = 20;

	private final SentinelHttpServiceGroups groups;

	private final List<SentinelClientCustomizer> customizers;

	/**
	 * Create a configurer over the given clients.
	 * @param clients the Sentinel clients
	 * @param customizers the customizers of the clients, in order
	 * @param environment the environment, for {@code spring.http.serviceclient.*}
	 */
	public SentinelRestClientHttpServiceGroupConfigurer(SentinelClients clients,
			List<SentinelClientCustomizer> customizers, Environment environment) {
		this.groups = new SentinelHttpServiceGroups(clients, environment);
		this.customizers = List.copyOf(customizers);
	}

	@Override
	public void configureGroups(Groups<RestClient.Builder> groups) {
		this.groups.configure(groups, (client, builder) -> {
			// Spring Cloud LoadBalancer's configurer (before this one) load-balances
			// every
			// group without a Boot base URL; the client chooses its backends itself.
			builder.requestInterceptors((interceptors) -> interceptors
				.removeIf((interceptor) -> interceptor instanceof DeferringLoadBalancerInterceptor
						|| interceptor instanceof BlockingLoadBalancerInterceptor));
			client.configure(builder);
			this.customizers.forEach((customizer) -> customizer.customizeRestClient(client.name(), builder));
		});
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
