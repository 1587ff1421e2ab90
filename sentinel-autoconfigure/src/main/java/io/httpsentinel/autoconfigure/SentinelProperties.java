package io.httpsentinel.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Configuration properties for Sentinel clients ({@code sentinel.*}).
 */
@ConfigurationProperties("sentinel")
public class SentinelProperties {

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

	public ClientProperties getDefaults() {
		return this.defaults;
	}

	public Map<String, ClientProperties> getClients() {
		return this.clients;
	}

	public SseProxyProperties getSse() {
		return this.sse;
	}

}
