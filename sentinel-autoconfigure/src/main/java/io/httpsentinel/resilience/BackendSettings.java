package io.httpsentinel.resilience;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.SettingChecks;

/**
 * The backends of a client with several: fixed ones ({@code endpoints}), or none here
 * when the base URL names a service ({@code lb://service}) whose instances Spring Cloud
 * LoadBalancer finds. Every component may be {@code null}, meaning "inherit".
 *
 * @param endpoints fixed backends, or {@code null} for none
 * @param outlierDetection when a failing backend is taken out of the choice
 * @param pauseScope what a long {@code Retry-After} pauses: the backend that sent it, or
 * the whole client
 */
public record BackendSettings(@Nullable List<BackendEndpoint> endpoints, OutlierDetectionSettings outlierDetection,
		@Nullable PauseScope pauseScope) {

	/**
	 * The scheme of a base URL that names a service: {@code lb://service/base-path}.
	 */
	public static final String SERVICE_SCHEME = "lb";

	/**
	 * Settings that inherit everything.
	 */
	public static final BackendSettings INHERIT = new BackendSettings(null, OutlierDetectionSettings.INHERIT, null);

	/**
	 * Built-in defaults: no fixed backends, {@link OutlierDetectionSettings#DEFAULTS},
	 * pauses per backend.
	 */
	public static final BackendSettings DEFAULTS = new BackendSettings(null, OutlierDetectionSettings.DEFAULTS,
			PauseScope.BACKEND);

	public BackendSettings {
		if (endpoints != null) {
			endpoints = List.copyOf(endpoints);
		}
	}

	public BackendSettings orElse(BackendSettings other) {
		return new BackendSettings(SettingChecks.pick(this.endpoints, other.endpoints),
				this.outlierDetection.orElse(other.outlierDetection),
				SettingChecks.pick(this.pauseScope, other.pauseScope));
	}

	/**
	 * Whether fixed backends are configured.
	 * @return {@code true} when there is at least one
	 */
	public boolean hasEndpoints() {
		return this.endpoints != null && !this.endpoints.isEmpty();
	}

	/**
	 * Whether a base URL names a service for Spring Cloud LoadBalancer to resolve.
	 * @param baseUrl the base URL, or {@code null}
	 * @return {@code true} for an {@code lb://service} URL
	 */
	public static boolean isServiceUrl(@Nullable URI baseUrl) {
		return baseUrl != null && SERVICE_SCHEME.equalsIgnoreCase(baseUrl.getScheme());
	}

}
