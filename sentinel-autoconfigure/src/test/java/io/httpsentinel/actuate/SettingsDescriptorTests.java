package io.httpsentinel.actuate;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.ExchangeLogLevel;
import io.httpsentinel.client.LogSettings;
import io.httpsentinel.client.RedactionSettings;
import io.httpsentinel.client.Redactor;
import io.httpsentinel.resilience.BackendEndpoint;
import io.httpsentinel.resilience.BackendSettings;
import io.httpsentinel.resilience.OutlierDetectionSettings;
import io.httpsentinel.resilience.PauseScope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SettingsDescriptor}.
 */
class SettingsDescriptorTests {

	private final ClientSettings settings = ClientSettings.INHERIT.withBaseUrl(URI.create("https://api.example.com/v1"))
		.withDefaultHeaders(Map.of("x-api-key", "k-secret", "X-Tenant", "t-secret", "anthropic-version", "2023-06-01"))
		.withLog(LogSettings.INHERIT.withLevel(ExchangeLogLevel.HEADERS))
		.withRedaction(RedactionSettings.INHERIT.withHeaders(Set.of("x-tenant")))
		.orElse(ClientSettings.DEFAULTS);

	@Test
	void topLevelKeysAreThePropertyNamesInOrder() {
		assertThat(SettingsDescriptor.describe(this.settings)).containsOnlyKeys("base-url", "endpoints",
				"outlier-detection", "pause-scope", "default-headers", "http2", "max-response-size", "timeouts", "pool",
				"ssl", "retry", "circuit-breaker", "rate-limit", "log", "log-body-limit", "redact-headers",
				"redact-query-parameters", "health", "sse");
		assertThat(SettingsDescriptor.describe(this.settings).keySet()).first().isEqualTo("base-url");
		assertThat(SettingsDescriptor.describe(this.settings).keySet()).last().isEqualTo("health");
	}

	@Test
	void valuesAreReadable() {
		Map<String, Object> described = SettingsDescriptor.describe(this.settings);
		assertThat(described).containsEntry("base-url", "https://api.example.com/v1")
			.containsEntry("http2", false)
			.containsEntry("max-response-size", "10MB")
			.containsEntry("log", "headers")
			.containsEntry("log-body-limit", "4KB")
			.containsEntry("redact-headers", List.of("x-tenant"))
			.containsEntry("redact-query-parameters", List.of())
			.containsEntry("health", Map.of("fail-on-open-circuit", false));
		assertThat(nested(described, "timeouts")).containsEntry("connect", "5s")
			.containsEntry("total", "10m")
			.containsEntry("total-includes-streams", false);
		assertThat(nested(described, "pool")).containsEntry("max-connections", 100).containsEntry("leasing", "fifo");
		assertThat(nested(described, "retry")).containsEntry("statuses", List.of(408, 429, 500, 502, 503, 504, 529))
			.containsEntry("initial-delay", "500ms")
			.containsEntry("idempotency-key-header", null);
		assertThat(nested(nested(described, "retry"), "budget")).containsEntry("ratio", 0.2);
		// Not set: derived from twice the response-headers timeout (60s).
		assertThat(nested(described, "circuit-breaker")).containsEntry("sliding-window", "2m");
		assertThat(nested(described, "rate-limit")).containsEntry("requests-per-second", null)
			.containsEntry("max-wait", "30s");
	}

	@Test
	void severalBackendsShowUnderTheirPropertyNamesNextToTheBaseUrl() {
		ClientSettings severalBackends = ClientSettings.INHERIT.withBaseUrl(null)
			.withBackends(new BackendSettings(
					List.of(BackendEndpoint.of(URI.create("http://10.0.0.1:8000")),
							new BackendEndpoint(URI.create("http://10.0.0.2:8000/v1"), 3)),
					OutlierDetectionSettings.INHERIT, PauseScope.CLIENT))
			.orElse(ClientSettings.DEFAULTS);
		Map<String, Object> described = SettingsDescriptor.describe(severalBackends);
		assertThat(described.keySet()).startsWith("base-url", "endpoints", "outlier-detection", "pause-scope");
		assertThat(described)
			.containsEntry("endpoints",
					List.of(Map.of("url", "http://10.0.0.1:8000", "weight", 1),
							Map.of("url", "http://10.0.0.2:8000/v1", "weight", 3)))
			.containsEntry("pause-scope", "client");
		assertThat(nested(described, "outlier-detection").keySet()).containsExactly("enabled", "consecutive-5xx",
				"consecutive-gateway-failures", "base-ejection-time", "max-ejection-time", "max-ejection-percent");
		assertThat(nested(described, "outlier-detection")).containsEntry("consecutive-5xx", 5)
			.containsEntry("base-ejection-time", "30s")
			.containsEntry("max-ejection-percent", 50);
	}

	@Test
	void secretHeaderValuesAreMasked() {
		assertThat(nested(SettingsDescriptor.describe(this.settings), "default-headers"))
			.containsEntry("x-api-key", Redactor.MASK)
			.containsEntry("X-Tenant", Redactor.MASK)
			.containsEntry("anthropic-version", "2023-06-01");
		assertThat(SettingsDescriptor.describe(this.settings).toString()).doesNotContain("k-secret", "t-secret");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> nested(Map<String, Object> described, String key) {
		return (Map<String, Object>) described.get(key);
	}

}
