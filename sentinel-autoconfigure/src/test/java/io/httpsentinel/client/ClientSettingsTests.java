package io.httpsentinel.client;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.client.pool.LeasingStrategy;
import io.httpsentinel.client.pool.PoolSettings;
import io.httpsentinel.client.pool.SslSettings;
import io.httpsentinel.client.pool.TimeoutSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ClientSettings} inheritance and validation.
 */
class ClientSettingsTests {

	@Test
	void orElseFillsOnlyUnsetValues() {
		ClientSettings own = ClientSettings.INHERIT.withHttp2(false)
			.withTimeouts(TimeoutSettings.INHERIT.withConnect(Duration.ofSeconds(5)));
		ClientSettings inherited = ClientSettings.INHERIT.withHttp2(true)
			.withMaxResponseSize(DataSize.ofKilobytes(1))
			.withTimeouts(
					TimeoutSettings.INHERIT.withConnect(Duration.ofSeconds(1)).withReadIdle(Duration.ofSeconds(2)));
		ClientSettings resolved = own.orElse(inherited);
		assertThat(resolved.http2()).isFalse();
		assertThat(resolved.maxResponseSize()).isEqualTo(DataSize.ofKilobytes(1));
		assertThat(resolved.timeouts().connect()).isEqualTo(Duration.ofSeconds(5));
		assertThat(resolved.timeouts().readIdle()).isEqualTo(Duration.ofSeconds(2));
		assertThat(resolved.timeouts().total()).isNull();
	}

	@Test
	void resolvingAgainstDefaultsLeavesNoGap() {
		ClientSettings resolved = ClientSettings.INHERIT.orElse(ClientSettings.DEFAULTS);
		assertThat(resolved).isEqualTo(ClientSettings.DEFAULTS);
		assertThat(resolved.orElse(ClientSettings.DEFAULTS)).isEqualTo(resolved);
	}

	@Test
	void defaultHeadersMergeCaseInsensitivelyOwnValueWinning() {
		ClientSettings own = ClientSettings.INHERIT.withDefaultHeaders(Map.of("X-Api-Key", "own"));
		ClientSettings inherited = ClientSettings.INHERIT
			.withDefaultHeaders(Map.of("x-api-key", "inherited", "user-agent", "sentinel"));
		Map<String, String> headers = own.orElse(inherited).defaultHeaders();
		assertThat(headers).hasSize(2).containsEntry("x-api-key", "own").containsEntry("User-Agent", "sentinel");
	}

	@Test
	void baseUrlMustBeAbsoluteHttpWithHost() {
		assertThat(ClientSettings.parseBaseUrl(" https://api.example.com/v1 "))
			.isEqualTo(URI.create("https://api.example.com/v1"));
		assertInvalid("base-url", () -> ClientSettings.parseBaseUrl("api.example.com"));
		assertInvalid("base-url", () -> ClientSettings.parseBaseUrl("https:///v1"));
		assertInvalid("base-url", () -> ClientSettings.parseBaseUrl("https://api.example.com/v1?key=1"));
	}

	@Test
	void aBaseUrlWithoutSchemeIsRejectedWithTheUrlWithOne() {
		assertNoScheme("127.0.0.1:9099", "http://127.0.0.1:9099' (or https:// for TLS)");
		assertNoScheme("localhost:8080/v1", "http://localhost:8080/v1'");
		assertNoScheme("localhost", "http://localhost'");
		assertNoScheme("[::1]:8080", "http://[::1]:8080'");
		assertNoScheme("api.example.com", "https://api.example.com' (or http:// without TLS)");
		assertNoScheme("api.example.com:443/v1", "https://api.example.com:443/v1'");
		assertNoScheme("upstream:9090", "http://upstream:9090'");
	}

	@Test
	void aBaseUrlWithAnotherSchemeIsNotTakenForOneWithout() {
		for (String url : new String[] { "ftp://example.com", "mailto:ops@example.com", "urn:isbn:123", "/v1" }) {
			assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(() -> ClientSettings.parseBaseUrl(url))
				.satisfies((ex) -> assertThat(ex.reason()).doesNotContain("has no scheme"));
		}
	}

	private static void assertNoScheme(String baseUrl, String fix) {
		assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(() -> ClientSettings.parseBaseUrl(baseUrl))
			.satisfies((ex) -> assertThat(ex.key()).isEqualTo("base-url"))
			.satisfies((ex) -> assertThat(ex.reason()).startsWith("has no scheme: write it as '").contains(fix));
	}

	@Test
	void credentialsInTheBaseUrlAreRejectedWithoutEchoingThem() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> ClientSettings.parseBaseUrl("https://user:s3cret@api.example.com"))
			.satisfies((ex) -> assertThat(ex.key()).isEqualTo("base-url"))
			.withMessageNotContaining("s3cret");
	}

	@Test
	void invalidValuesNameTheirKey() {
		assertInvalid("pool.max-connections", () -> PoolSettings.INHERIT.withMaxConnections(0));
		assertInvalid("pool.pending-acquire-timeout",
				() -> PoolSettings.INHERIT.withPendingAcquire(1, Duration.ofSeconds(-1)));
		assertInvalid("timeouts.tls-handshake", () -> TimeoutSettings.INHERIT.withTlsHandshake(Duration.ZERO));
		assertInvalid("max-response-size", () -> ClientSettings.INHERIT.withMaxResponseSize(DataSize.ofBytes(0)));
		assertInvalid("ssl.bundle", () -> new SslSettings(" ", null));
	}

	@Test
	void evictInBackgroundMayBeZeroToDisableIt() {
		assertThat(PoolSettings.INHERIT.withEvictInBackground(Duration.ZERO).evictInBackground()).isZero();
	}

	@Test
	void crossFieldRulesAreCheckedOnResolvedSettings() {
		ClientSettings slowHeaders = ClientSettings.DEFAULTS
			.withTimeouts(ClientSettings.DEFAULTS.timeouts().withResponseHeaders(Duration.ofMinutes(10)));
		assertInvalid("timeouts.response-headers", slowHeaders::checkConsistent);
		ClientSettings both = ClientSettings.DEFAULTS.withSsl(new SslSettings("bundle", true));
		assertInvalid("ssl.insecure-trust-all", both::checkConsistent);
	}

	@Test
	void redactedNamesAddUpAcrossInheritance() {
		ClientSettings own = ClientSettings.INHERIT
			.withRedaction(RedactionSettings.INHERIT.withHeaders(Set.of("X-Tenant")));
		ClientSettings inherited = ClientSettings.INHERIT
			.withRedaction(new RedactionSettings(Set.of("x-org"), Set.of("Sig2")));
		RedactionSettings resolved = own.orElse(inherited).orElse(ClientSettings.DEFAULTS).redaction();
		assertThat(resolved.headers()).containsExactly("x-org", "x-tenant");
		assertThat(resolved.queryParameters()).containsExactly("sig2");
	}

	@Test
	void logAndHealthSettingsInherit() {
		ClientSettings own = ClientSettings.INHERIT.withLog(LogSettings.INHERIT.withLevel(ExchangeLogLevel.HEADERS));
		ClientSettings inherited = ClientSettings.INHERIT
			.withLog(LogSettings.INHERIT.withLevel(ExchangeLogLevel.BODY).withBodyLimit(DataSize.ofBytes(100)))
			.withHealth(new HealthSettings(true));
		ClientSettings resolved = own.orElse(inherited).orElse(ClientSettings.DEFAULTS);
		assertThat(resolved.log()).isEqualTo(new LogSettings(ExchangeLogLevel.HEADERS, DataSize.ofBytes(100)));
		assertThat(resolved.health().failsOnOpenCircuit()).isTrue();
		assertThat(ClientSettings.DEFAULTS.log().isEnabled()).isFalse();
		assertThat(ClientSettings.DEFAULTS.health().failsOnOpenCircuit()).isFalse();
	}

	@Test
	void logBodyLimitAndRedactedNamesAreChecked() {
		assertInvalid("log-body-limit", () -> LogSettings.INHERIT.withBodyLimit(DataSize.ofBytes(0)));
		assertInvalid("redact-headers", () -> RedactionSettings.INHERIT.withHeaders(Set.of(" ")));
	}

	@Test
	void settingsBuiltByNameEqualTheSameSettingsBuiltByCopies() {
		TimeoutSettings byName = TimeoutSettings.builder()
			.connect(Duration.ofSeconds(1))
			.total(Duration.ofSeconds(30))
			.build();
		assertThat(byName)
			.isEqualTo(TimeoutSettings.INHERIT.withConnect(Duration.ofSeconds(1)).withTotal(Duration.ofSeconds(30)));
		assertThat(ClientSettings.builder().http2(true).timeouts(byName).build())
			.isEqualTo(ClientSettings.INHERIT.withHttp2(true).withTimeouts(byName));
	}

	@Test
	void aCopyChangesOnlyItsOwnComponent() {
		ClientSettings copy = ClientSettings.DEFAULTS.withHttp2(true);
		assertThat(copy.http2()).isTrue();
		assertThat(copy.withHttp2(false)).isEqualTo(ClientSettings.DEFAULTS);
		assertThat(PoolSettings.DEFAULTS.withPendingAcquire(5, Duration.ofSeconds(1))).isEqualTo(PoolSettings.builder()
			.maxConnections(100)
			.pendingAcquireMaxCount(5)
			.pendingAcquireTimeout(Duration.ofSeconds(1))
			.maxIdleTime(Duration.ofSeconds(30))
			.maxLifeTime(Duration.ofMinutes(5))
			.evictInBackground(Duration.ofSeconds(30))
			.leasing(LeasingStrategy.FIFO)
			.build());
	}

	@Test
	void theFactoryResolvesHandMadeSettingsAgainstTheBuiltInDefaults() {
		URI baseUrl = URI.create("https://api.example.com");
		ClientSettings handMade = ClientSettings.INHERIT.withBaseUrl(baseUrl)
			.withTimeouts(TimeoutSettings.INHERIT.withConnect(Duration.ofSeconds(1)));
		ClientSettings resolved = SentinelClientFactory.resolve(handMade);
		assertThat(resolved).isEqualTo(ClientSettings.DEFAULTS.withBaseUrl(baseUrl)
			.withTimeouts(ClientSettings.DEFAULTS.timeouts().withConnect(Duration.ofSeconds(1))));
		assertThat(SentinelClientFactory.resolve(resolved)).isEqualTo(resolved);
	}

	private static void assertInvalid(String key, Runnable action) {
		assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(action::run)
			.satisfies((ex) -> assertThat(ex.key()).isEqualTo(key));
	}

}
