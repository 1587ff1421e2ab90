package io.httpsentinel.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Configuration properties for Sentinel clients ({@code sentinel.*}).
 */
@ConfigurationProperties("sentinel")
public class SentinelProperties implements EnvironmentAware, InitializingBean {

	/**
	 * Settings every client inherits; each may be overridden per client.
	 */
	@NestedConfigurationProperty
	private final ClientProperties defaults = new ClientProperties();

	/**
	 * Clients by name, one per upstream host. Each takes the same keys as
	 * 'sentinel.defaults' and inherits any it does not set.
	 */
	private final Map<String, ClientProperties> clients = new LinkedHashMap<>();

	/**
	 * Forwarding of SSE streams with SseProxy, over all clients.
	 */
	@NestedConfigurationProperty
	private final SseProxyProperties sse = new SseProxyProperties();

	/**
	 * The Redis shared by clients with 'rate-limit.store: redis'.
	 */
	@NestedConfigurationProperty
	private final SentinelRedisProperties redis = new SentinelRedisProperties();

	private @Nullable Environment environment;

	public ClientProperties getDefaults() {
		return this.defaults;
	}

	public Map<String, ClientProperties> getClients() {
		return this.clients;
	}

	public SseProxyProperties getSse() {
		return this.sse;
	}

	public SentinelRedisProperties getRedis() {
		return this.redis;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	/**
	 * Fail on keys under {@code sentinel.defaults}, {@code sentinel.clients.<name>},
	 * {@code sentinel.sse} and {@code sentinel.redis} that match no property, which
	 * binding alone would ignore. Runs once the properties are bound, before any client
	 * is built from them.
	 */
	@Override
	public void afterPropertiesSet() {
		if (this.environment != null) {
			UnknownPropertiesCheck.check(this.environment);
		}
	}

}
