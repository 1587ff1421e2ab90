package io.httpsentinel.autoconfigure.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.autoconfigure.HttpClientProperties;
import org.springframework.core.env.Environment;

import io.httpsentinel.SettingText;
import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;

/**
 * Fails startup when {@code spring.http.serviceclient.<group>.*} sets something that the
 * Sentinel client backing the group owns, so that it would be silently ignored: a
 * different base URL, a different value for one of the client's default headers, or a
 * transport setting (timeouts, redirects, SSL bundle). A value equal to the client's own
 * is accepted. The failure names the group, the client and both keys.
 */
final class HttpServiceGroupConflicts {

	private static final String GROUP_PREFIX = "spring.http.serviceclient";

	private final Map<String, HttpClientProperties> groups;

	private HttpServiceGroupConflicts(Map<String, HttpClientProperties> groups) {
		this.groups = groups;
	}

	/**
	 * Read {@code spring.http.serviceclient.*} the way Spring Boot binds it.
	 * @param environment the environment
	 * @return the checks over the bound groups
	 */
	static HttpServiceGroupConflicts bind(Environment environment) {
		return new HttpServiceGroupConflicts(Binder.get(environment)
			.bind(GROUP_PREFIX, Bindable.mapOf(String.class, HttpClientProperties.class))
			.orElse(Map.of()));
	}

	/**
	 * Check the group's properties against the client that backs it.
	 * @param group the group's name
	 * @param client the Sentinel client of the same name
	 * @throws InvalidConfigurationPropertyValueException naming the group key at fault
	 */
	void check(String group, SentinelClient client) {
		HttpClientProperties properties = this.groups.get(group);
		if (properties == null) {
			return;
		}
		Conflict conflict = new Conflict(group, client);
		checkBaseUrl(conflict, properties.getBaseUrl());
		checkDefaultHeaders(conflict, properties.getDefaultHeader());
		ClientSettings settings = client.settings();
		Duration connectTimeout = properties.getConnectTimeout();
		if (connectTimeout != null && !connectTimeout.equals(settings.timeouts().connect())) {
			throw conflict.of("connect-timeout", connectTimeout, "timeouts.connect",
					"the client connects within " + settings.timeouts().connect());
		}
		if (properties.getReadTimeout() != null) {
			throw conflict.of("read-timeout", properties.getReadTimeout(), null,
					"the client waits up to " + settings.timeouts().responseHeaders() + " for the response headers ("
							+ conflict.clientKey("timeouts.response-headers") + "), then up to "
							+ settings.timeouts().readIdle() + " between body chunks ("
							+ conflict.clientKey("timeouts.read-idle") + ")");
		}
		HttpRedirects redirects = properties.getRedirects();
		if (redirects != null && redirects != HttpRedirects.DONT_FOLLOW) {
			throw conflict.of("redirects", redirects, null, "Sentinel clients never follow redirects");
		}
		String sslBundle = properties.getSsl().getBundle();
		if (sslBundle != null && !sslBundle.equals(settings.ssl().bundle())) {
			throw conflict.of("ssl.bundle", sslBundle, "ssl.bundle",
					(settings.ssl().bundle() != null)
							? "the client uses the SSL bundle '" + settings.ssl().bundle() + "'"
							: "the client uses no SSL bundle");
		}
	}

	private static void checkBaseUrl(Conflict conflict, @Nullable String groupBaseUrl) {
		if (groupBaseUrl == null || groupBaseUrl.isBlank()) {
			return;
		}
		URI clientBaseUrl = Objects.requireNonNull(conflict.client.settings().logicalBaseUrl());
		if (!withoutTrailingSlash(clientBaseUrl.toString()).equals(withoutTrailingSlash(groupBaseUrl.strip()))) {
			throw conflict.of("base-url", redacted(groupBaseUrl), "base-url",
					"the client sends every request to " + clientBaseUrl);
		}
	}

	private static void checkDefaultHeaders(Conflict conflict, @Nullable Map<String, List<String>> groupHeaders) {
		Map<String, String> clientHeaders = conflict.client.settings().defaultHeaders();
		if (groupHeaders == null || clientHeaders == null) {
			return;
		}
		// The client's headers map is case-insensitive, as header names are.
		groupHeaders.forEach((name, values) -> {
			String clientValue = clientHeaders.get(name);
			if (clientValue != null && !List.of(clientValue).equals(values)) {
				// Header values are often secrets: name the keys, never the values.
				throw conflict.of("default-header." + name, "(redacted)", "default-headers." + name,
						"the client sends this header with another value");
			}
		});
	}

	private static String withoutTrailingSlash(String url) {
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

	private static String redacted(String url) {
		try {
			return (new URI(url.strip()).getRawUserInfo() != null) ? "(redacted)" : url;
		}
		catch (URISyntaxException ex) {
			return url;
		}
	}

	/**
	 * One group backed by one client, for the failure message.
	 */
	private record Conflict(String group, SentinelClient client) {

		String clientKey(String key) {
			return "sentinel.clients." + this.client.name() + "." + key;
		}

		InvalidConfigurationPropertyValueException of(String groupKey, Object value, @Nullable String clientKey,
				String why) {
			StringBuilder reason = new StringBuilder("HTTP service group '").append(this.group)
				.append("' is backed by the Sentinel client '")
				.append(this.client.name())
				.append("', which owns this setting, so this value would be ignored: ")
				.append(why);
			if (clientKey != null) {
				reason.append(" (").append(clientKey(clientKey)).append(')');
			}
			reason.append(". Remove this property")
				.append((clientKey != null) ? " and configure " + clientKey(clientKey) + " instead" : "");
			return new InvalidConfigurationPropertyValueException(GROUP_PREFIX + "." + this.group + "." + groupKey,
					SettingText.of(value), SettingText.withReadableDurations(reason.toString()));
		}

	}

}
