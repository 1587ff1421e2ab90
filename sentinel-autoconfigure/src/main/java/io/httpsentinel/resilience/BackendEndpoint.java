package io.httpsentinel.resilience;

import java.net.URI;
import java.util.Locale;

import io.httpsentinel.InvalidSettingException;

/**
 * One backend of a client with several: its URL (scheme, host, port and an optional base
 * path, which replaces the client's base path) and its weight in the choice.
 *
 * @param url the backend's URL
 * @param weight its share of the traffic relative to the others (at least 1)
 */
public record BackendEndpoint(URI url, int weight) {

	public BackendEndpoint {
		String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw new InvalidSettingException("endpoints", url, "must be an absolute http:// or https:// URL");
		}
		if (url.getHost() == null || url.getHost().isEmpty()) {
			throw new InvalidSettingException("endpoints", url, "must name a host");
		}
		if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
			throw new InvalidSettingException("endpoints", "(redacted)",
					"must not contain credentials, a query or a fragment");
		}
		if (weight < 1) {
			throw new InvalidSettingException("endpoints.weight", weight, "must be at least 1");
		}
	}

	/**
	 * A backend of weight 1.
	 * @param url the backend's URL
	 * @return the backend
	 */
	public static BackendEndpoint of(URI url) {
		return new BackendEndpoint(url, 1);
	}

	/**
	 * The backend's address as monitoring shows it and meters tag it:
	 * {@code scheme://host:port}, the port always present.
	 * @return the address
	 */
	public String address() {
		int port = this.url.getPort();
		String scheme = this.url.getScheme().toLowerCase(Locale.ROOT);
		if (port == -1) {
			port = scheme.equals("https") ? 443 : 80;
		}
		return scheme + "://" + this.url.getHost() + ":" + port;
	}

}
