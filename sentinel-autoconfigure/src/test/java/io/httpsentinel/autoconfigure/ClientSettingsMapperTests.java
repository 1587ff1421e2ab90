package io.httpsentinel.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.ExchangeLogLevel;
import io.httpsentinel.client.HealthSettings;
import io.httpsentinel.client.LogSettings;
import io.httpsentinel.client.RedactionSettings;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.client.pool.LeasingStrategy;
import io.httpsentinel.client.pool.PoolSettings;
import io.httpsentinel.client.pool.SslSettings;
import io.httpsentinel.client.pool.TimeoutSettings;
import io.httpsentinel.resilience.CircuitBreakerSettings;
import io.httpsentinel.resilience.RateLimitSettings;
import io.httpsentinel.resilience.RetrySettings;
import io.httpsentinel.sse.ReconnectPolicySettings;
import io.httpsentinel.sse.SlowClientPolicy;
import io.httpsentinel.sse.SseProxySettings;
import io.httpsentinel.sse.SseReconnectSettings;
import io.httpsentinel.sse.SseResumeSettings;
import io.httpsentinel.sse.SseSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ClientSettingsMapper}: every key reaches the setting of its name, and
 * the built-in defaults are left to the client factory.
 */
class ClientSettingsMapperTests {

	@Test
	void everyKeyReachesTheSettingOfItsName() {
		Map<String, String> keys = new LinkedHashMap<>();
		keys.put("base-url", "https://api.example.com/v1");
		keys.put("default-headers.x-api-key", "secret");
		keys.put("http2", "true");
		keys.put("max-response-size", "1MB");
		keys.put("timeouts.connect", "1s");
		keys.put("timeouts.tls-handshake", "2s");
		keys.put("timeouts.response-headers", "3s");
		keys.put("timeouts.read-idle", "4s");
		keys.put("timeouts.total", "5s");
		keys.put("timeouts.total-includes-streams", "true");
		keys.put("pool.max-connections", "11");
		keys.put("pool.pending-acquire-max-count", "12");
		keys.put("pool.pending-acquire-timeout", "13s");
		keys.put("pool.max-idle-time", "14s");
		keys.put("pool.max-life-time", "15s");
		keys.put("pool.evict-in-background", "16s");
		keys.put("pool.leasing", "fifo");
		keys.put("ssl.bundle", "upstream");
		keys.put("ssl.insecure-trust-all", "false");
		keys.put("retry.max-retries", "4");
		keys.put("retry.initial-delay", "21ms");
		keys.put("retry.multiplier", "1.5");
		keys.put("retry.max-delay", "22s");
		keys.put("retry.jitter", "0.25");
		keys.put("retry.statuses", "503,429");
		keys.put("retry.max-retry-after", "23s");
		keys.put("retry.non-idempotent", "true");
		keys.put("retry.idempotency-key-header", "Idempotency-Key");
		keys.put("retry.budget.ratio", "0.5");
		keys.put("retry.budget.min-concurrency", "7");
		keys.put("circuit-breaker.enabled", "false");
		keys.put("circuit-breaker.failure-rate-threshold", "40");
		keys.put("circuit-breaker.sliding-window", "31s");
		keys.put("circuit-breaker.minimum-calls", "32");
		keys.put("circuit-breaker.wait-in-open", "33s");
		keys.put("circuit-breaker.wait-multiplier", "2");
		keys.put("circuit-breaker.max-wait-in-open", "34s");
		keys.put("circuit-breaker.half-open-calls", "35");
		keys.put("circuit-breaker.max-wait-in-half-open", "36s");
		keys.put("rate-limit.requests-per-second", "41");
		keys.put("rate-limit.requests-per-minute", "42");
		keys.put("rate-limit.burst", "43");
		keys.put("rate-limit.max-wait", "44s");
		keys.put("log", "headers");
		keys.put("log-body-limit", "2KB");
		keys.put("redact-headers", "X-Tenant");
		keys.put("redact-query-parameters", "sig");
		keys.put("health.fail-on-open-circuit", "true");
		keys.put("sse.max-line-size", "51KB");
		keys.put("sse.max-event-size", "52KB");
		keys.put("sse.reconnect.enabled", "false");
		keys.put("sse.reconnect.initial-delay", "53s");
		keys.put("sse.reconnect.max-delay", "54s");
		keys.put("sse.reconnect.reset-after", "55s");
		keys.put("sse.reconnect.max-attempts", "56");
		keys.put("sse.reconnect.max-elapsed", "57s");
		keys.put("sse.heartbeat", "61s");
		keys.put("sse.buffer-size", "62KB");
		keys.put("sse.slow-client-policy", "drop");
		keys.put("sse.slow-client-timeout", "63s");
		keys.put("sse.max-streams", "64");
		keys.put("sse.resume.enabled", "true");
		keys.put("sse.resume.initial-delay", "65ms");
		keys.put("sse.resume.max-delay", "66s");
		keys.put("sse.resume.max-attempts", "67");
		keys.put("sse.resume.max-elapsed", "68s");
		ClientSettings expected = ClientSettings.builder()
			.baseUrl(URI.create("https://api.example.com/v1"))
			.defaultHeaders(Map.of("x-api-key", "secret"))
			.http2(true)
			.maxResponseSize(DataSize.ofMegabytes(1))
			.timeouts(TimeoutSettings.builder()
				.connect(Duration.ofSeconds(1))
				.tlsHandshake(Duration.ofSeconds(2))
				.responseHeaders(Duration.ofSeconds(3))
				.readIdle(Duration.ofSeconds(4))
				.total(Duration.ofSeconds(5))
				.totalIncludesStreams(true)
				.build())
			.pool(PoolSettings.builder()
				.maxConnections(11)
				.pendingAcquireMaxCount(12)
				.pendingAcquireTimeout(Duration.ofSeconds(13))
				.maxIdleTime(Duration.ofSeconds(14))
				.maxLifeTime(Duration.ofSeconds(15))
				.evictInBackground(Duration.ofSeconds(16))
				.leasing(LeasingStrategy.FIFO)
				.build())
			.ssl(new SslSettings("upstream", false))
			.retry(RetrySettings.builder()
				.maxRetries(4)
				.initialDelay(Duration.ofMillis(21))
				.multiplier(1.5)
				.maxDelay(Duration.ofSeconds(22))
				.jitter(0.25)
				.statuses(Set.of(429, 503))
				.maxRetryAfter(Duration.ofSeconds(23))
				.nonIdempotent(true)
				.idempotencyKeyHeader("Idempotency-Key")
				.budget(new RetrySettings.RetryBudgetSettings(0.5, 7))
				.build())
			.circuitBreaker(CircuitBreakerSettings.builder()
				.enabled(false)
				.failureRateThreshold(40f)
				.slidingWindow(Duration.ofSeconds(31))
				.minimumCalls(32)
				.waitInOpen(Duration.ofSeconds(33))
				.waitMultiplier(2.0)
				.maxWaitInOpen(Duration.ofSeconds(34))
				.halfOpenCalls(35)
				.maxWaitInHalfOpen(Duration.ofSeconds(36))
				.build())
			.rateLimit(RateLimitSettings.builder()
				.requestsPerSecond(41)
				.requestsPerMinute(42)
				.burst(43)
				.maxWait(Duration.ofSeconds(44))
				.build())
			.log(new LogSettings(ExchangeLogLevel.HEADERS, DataSize.ofKilobytes(2)))
			.redaction(new RedactionSettings(Set.of("X-Tenant"), Set.of("sig")))
			.health(new HealthSettings(true))
			.sse(SseSettings.builder()
				.maxLineSize(DataSize.ofKilobytes(51))
				.maxEventSize(DataSize.ofKilobytes(52))
				.reconnect(new SseReconnectSettings(false, Duration.ofSeconds(55),
						policy(Duration.ofSeconds(53), Duration.ofSeconds(54), 56, Duration.ofSeconds(57))))
				.proxy(SseProxySettings.builder()
					.heartbeat(Duration.ofSeconds(61))
					.bufferSize(DataSize.ofKilobytes(62))
					.slowClientPolicy(SlowClientPolicy.DROP)
					.slowClientTimeout(Duration.ofSeconds(63))
					.maxStreams(64)
					.resume(new SseResumeSettings(true,
							policy(Duration.ofMillis(65), Duration.ofSeconds(66), 67, Duration.ofSeconds(68))))
					.build())
				.build())
			.build();
		assertThat(ClientSettingsMapper.map(bind(withPrefix("sentinel.defaults.", keys)).getDefaults(),
				"sentinel.defaults"))
			.isEqualTo(expected);
	}

	@Test
	void unsetKeysStayUnsetSoThatTheyInherit() {
		ClientSettings mapped = ClientSettingsMapper.map(new ClientProperties(), "sentinel.defaults");
		assertThat(mapped).isEqualTo(ClientSettings.INHERIT.withDefaultHeaders(Map.of()));
	}

	@Test
	void mapAllInheritsFromSentinelDefaultsAndLeavesTheBuiltInDefaultsToTheFactory() {
		SentinelProperties properties = bind(Map.of("sentinel.defaults.timeouts.connect", "2s",
				"sentinel.clients.llm.base-url", "https://llm.example.com", "sentinel.clients.llm.http2", "true"));
		ClientSettings configured = ClientSettingsMapper.mapAll(properties).get("llm");
		assertThat(configured.http2()).isTrue();
		assertThat(configured.timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
		assertThat(configured.timeouts().total()).isNull();
		ClientSettings resolved = SentinelClientFactory.resolve(configured);
		assertThat(resolved.timeouts().total()).isEqualTo(ClientSettings.DEFAULTS.timeouts().total());
		assertThat(resolved.timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void aRejectedValueIsReportedUnderItsFullPropertyName() {
		SentinelProperties properties = bind(Map.of("sentinel.clients.llm.base-url", "https://llm.example.com",
				"sentinel.clients.llm.sse.resume.max-attempts", "-2"));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClientSettingsMapper.mapAll(properties))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("sentinel.clients.llm.sse.resume.max-attempts"))
			.withMessageContaining("must be -1 (no limit) or at least 0");
	}

	private static ReconnectPolicySettings policy(Duration initialDelay, Duration maxDelay, int maxAttempts,
			Duration maxElapsed) {
		return ReconnectPolicySettings.builder()
			.initialDelay(initialDelay)
			.maxDelay(maxDelay)
			.maxAttempts(maxAttempts)
			.maxElapsed(maxElapsed)
			.build();
	}

	private static Map<String, String> withPrefix(String prefix, Map<String, String> keys) {
		Map<String, String> prefixed = new LinkedHashMap<>();
		keys.forEach((key, value) -> prefixed.put(prefix + key, value));
		return prefixed;
	}

	private static SentinelProperties bind(Map<String, String> keys) {
		return new Binder(new MapConfigurationPropertySource(keys)).bind("sentinel", SentinelProperties.class)
			.orElseGet(SentinelProperties::new);
	}

}
