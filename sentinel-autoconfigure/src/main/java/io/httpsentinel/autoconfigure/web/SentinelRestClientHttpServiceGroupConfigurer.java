package io.httpsentinel.autoconfigure.web;

import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;

/**
 * Backs each {@code RestClient} HTTP service group ({@code @ImportHttpServices}) whose
 * name is a Sentinel client's name with that client: its base URL, default headers,
 * connection pool and whole pipeline (see
 * {@link SentinelClient#configure(RestClient.Builder)}). Groups with other names are left
 * alone.
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

	/**
	 * Create a configurer over the given clients.
	 * @param clients the Sentinel clients
	 * @param environment the environment, for {@code spring.http.serviceclient.*}
	 */
	public SentinelRestClientHttpServiceGroupConfigurer(SentinelClients clients, Environment environment) {
		this.groups = new SentinelHttpServiceGroups(clients, environment);
	}

	@Override
	public void configureGroups(Groups<RestClient.Builder> groups) {
		this.groups.configure(groups, SentinelClient::configure);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
