package io.httpsentinel.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.HealthSettings;
import io.httpsentinel.client.LogSettings;
import io.httpsentinel.client.RedactionSettings;
import io.httpsentinel.client.pool.PoolSettings;
import io.httpsentinel.client.pool.SslSettings;
import io.httpsentinel.client.pool.TimeoutSettings;
import io.httpsentinel.resilience.CircuitBreakerSettings;
import io.httpsentinel.resilience.RateLimitSettings;
import io.httpsentinel.resilience.RetrySettings;
import io.httpsentinel.sse.SseProxySettings;
import io.httpsentinel.sse.SseReconnectSettings;
import io.httpsentinel.sse.SseResumeSettings;
import io.httpsentinel.sse.SseSettings;

/**
 * Maps {@link ClientProperties} to {@link ClientSettings}, turning a rejected value into
 * Spring Boot's {@link InvalidConfigurationPropertyValueException} with the full property
 * name, so that the startup failure report names the client, the key and where it was
 * set.
 */
final class ClientSettingsMapper {

	static final String PREFIX = "sentinel";

	private ClientSettingsMapper() {
	}

	/**
	 * Map one set of properties as they are: unset values stay {@code null} (inherit).
	 * @param properties the properties
	 * @param keyPrefix their prefix, e.g. {@code sentinel.clients.anthropic}
	 * @return the settings
	 */
	static ClientSettings map(ClientProperties properties, String keyPrefix) {
		return withKeyPrefix(keyPrefix, () -> {
			TimeoutProperties timeouts = properties.getTimeouts();
			PoolProperties pool = properties.getPool();
			SslProperties ssl = properties.getSsl();
			return new ClientSettings(
					(properties.getBaseUrl() != null) ? ClientSettings.parseBaseUrl(properties.getBaseUrl()) : null,
					properties.getDefaultHeaders(), properties.getHttp2(), properties.getMaxResponseSize(),
					new TimeoutSettings(timeouts.getConnect(), timeouts.getTlsHandshake(),
							timeouts.getResponseHeaders(), timeouts.getReadIdle(), timeouts.getTotal(),
							timeouts.getTotalIncludesStreams()),
					new PoolSettings(pool.getMaxConnections(), pool.getPendingAcquireMaxCount(),
							pool.getPendingAcquireTimeout(), pool.getMaxIdleTime(), pool.getMaxLifeTime(),
							pool.getEvictInBackground(), pool.getLeasing()),
					new SslSettings(ssl.getBundle(), ssl.getInsecureTrustAll()), retry(properties.getRetry()),
					circuitBreaker(properties.getCircuitBreaker()), rateLimit(properties.getRateLimit()),
					new LogSettings(properties.getLog(), properties.getLogBodyLimit()),
					new RedactionSettings(properties.getRedactHeaders(), properties.getRedactQueryParameters()),
					new HealthSettings(properties.getHealth().getFailOnOpenCircuit()), sse(properties.getSse()));
		});
	}

	private static RetrySettings retry(RetryProperties retry) {
		return new RetrySettings(retry.getMaxRetries(), retry.getInitialDelay(), retry.getMultiplier(),
				retry.getMaxDelay(), retry.getJitter(), retry.getStatuses(), retry.getMaxRetryAfter(),
				retry.getNonIdempotent(), retry.getIdempotencyKeyHeader(), new RetrySettings.RetryBudgetSettings(
						retry.getBudget().getRatio(), retry.getBudget().getMinConcurrency()));
	}

	private static CircuitBreakerSettings circuitBreaker(CircuitBreakerProperties breaker) {
		return new CircuitBreakerSettings(breaker.getEnabled(), breaker.getFailureRateThreshold(),
				breaker.getSlidingWindow(), breaker.getMinimumCalls(), breaker.getWaitInOpen(),
				breaker.getWaitMultiplier(), breaker.getMaxWaitInOpen(), breaker.getHalfOpenCalls(),
				breaker.getMaxWaitInHalfOpen());
	}

	private static RateLimitSettings rateLimit(RateLimitProperties rateLimit) {
		return new RateLimitSettings(rateLimit.getRequestsPerSecond(), rateLimit.getRequestsPerMinute(),
				rateLimit.getBurst(), rateLimit.getMaxWait());
	}

	private static SseSettings sse(SseProperties sse) {
		SseProperties.Reconnect reconnect = sse.getReconnect();
		return new SseSettings(sse.getMaxLineSize(), sse.getMaxEventSize(),
				new SseReconnectSettings(reconnect.getEnabled(), reconnect.getInitialDelay(), reconnect.getMaxDelay(),
						reconnect.getResetAfter(), reconnect.getMaxAttempts(), reconnect.getMaxElapsed()),
				sseProxy(sse));
	}

	private static SseProxySettings sseProxy(SseProperties sse) {
		SseProperties.Resume resume = sse.getResume();
		return new SseProxySettings(sse.getHeartbeat(), sse.getBufferSize(), sse.getSlowClientPolicy(),
				sse.getSlowClientTimeout(), sse.getMaxStreams(),
				new SseResumeSettings(resume.getEnabled(), resume.getMaxAttempts(), resume.getMaxElapsed(),
						resume.getInitialDelay(), resume.getMaxDelay()));
	}

	/**
	 * Resolve every configured client: its own properties, then
	 * {@code sentinel.defaults}, then the built-in defaults.
	 * @param properties the properties
	 * @return resolved settings by client name, in configuration order
	 */
	static Map<String, ClientSettings> resolveAll(SentinelProperties properties) {
		ClientSettings defaults = map(properties.getDefaults(), defaultsPrefix());
		Map<String, ClientSettings> resolved = new LinkedHashMap<>();
		properties.getClients()
			.forEach((name, client) -> resolved.put(name,
					map(client, clientPrefix(name)).orElse(defaults).orElse(ClientSettings.DEFAULTS)));
		return resolved;
	}

	static String clientPrefix(String clientName) {
		return PREFIX + ".clients." + clientName;
	}

	static String defaultsPrefix() {
		return PREFIX + ".defaults";
	}

	/**
	 * Run an action, reporting a rejected setting under the given property prefix.
	 * @param <T> the result type
	 * @param keyPrefix the prefix of the properties the action reads
	 * @param action the action
	 * @return its result
	 */
	static <T> T withKeyPrefix(String keyPrefix, Supplier<T> action) {
		try {
			return action.get();
		}
		catch (InvalidSettingException ex) {
			throw new InvalidConfigurationPropertyValueException(keyPrefix + "." + ex.key(), ex.value(), ex.reason());
		}
	}

}
