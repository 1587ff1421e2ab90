package io.httpsentinel.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * One backend of a client with several. Written either as its URL alone
 * ({@code - http://10.0.0.1:8000}) or with a weight ({@code - url: http://10.0.0.2:8000}
 * and {@code weight: 3}).
 */
public class EndpointProperties {

	/**
	 * URL of the backend: scheme, host, port and an optional base path, which replaces
	 * the base path of the first endpoint in the requests sent to it.
	 */
	private @Nullable String url;

	/**
	 * Share of the traffic relative to the other endpoints.
	 */
	private @Nullable Integer weight;

	/**
	 * An endpoint written as its URL alone: how the binder converts a plain list entry.
	 * @param url the URL
	 * @return the endpoint, of weight 1
	 */
	public static EndpointProperties valueOf(String url) {
		EndpointProperties endpoint = new EndpointProperties();
		endpoint.setUrl(url);
		return endpoint;
	}

	public @Nullable String getUrl() {
		return this.url;
	}

	public void setUrl(@Nullable String url) {
		this.url = url;
	}

	public @Nullable Integer getWeight() {
		return this.weight;
	}

	public void setWeight(@Nullable Integer weight) {
		this.weight = weight;
	}

}
