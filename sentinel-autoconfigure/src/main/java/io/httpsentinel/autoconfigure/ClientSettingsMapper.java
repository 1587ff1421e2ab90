package io.httpsentinel.autoconfigure;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingText;
import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.HealthSettings;
import io.httpsentinel.client.LogSettings;
import io.httpsentinel.client.RedactionSettings;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.client.pool.PoolSettings;
import io.httpsentinel.client.pool.SslSettings;
import io.httpsentinel.client.pool.TimeoutSettings;
import io.httpsentinel.resilience.AdaptivePacingSettings;
import io.httpsentinel.resilience.BackendEndpoint;
import io.httpsentinel.resilience.BackendSettings;
import io.httpsentinel.resilience.CircuitBreakerSettings;
import io.httpsentinel.resilience.OutlierDetectionSettings;
import io.httpsentinel.resilience.RateLimitSettings;
import io.httpsentinel.resilience.RetrySettings;
import io.httpsentinel.resilience.SharedRateLimitSettings;
import io.httpsentinel.sse.ReconnectPolicySettings;
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
			ClientSettings.Builder settings = ClientSettings.builder();
			PropertyMapper map = PropertyMapper.get();
			map.from(properties::getBaseUrl).as(ClientSettings::parseBaseUrl).to(settings::baseUrl);
			map.from(properties::getDefaultHeaders).to(settings::defaultHeaders);
			map.from(properties::getHttp2).to(settings::http2);
			map.from(properties::getMaxResponseSize).to(settings::maxResponseSize);
			return settings.timeouts(timeouts(properties.getTimeouts()))
				.pool(pool(properties.getPool()))
				.ssl(new SslSettings(properties.getSsl().getBundle(), properties.getSsl().getInsecureTrustAll()))
				.retry(retry(properties.getRetry()))
				.circuitBreaker(circuitBreaker(properties.getCircuitBreaker()))
				.rateLimit(rateLimit(properties.getRateLimit()))
				.log(new LogSettings(properties.getLog(), properties.getLogBodyLimit()))
				.redaction(new RedactionSettings(properties.getRedactHeaders(), properties.getRedactQueryParameters()))
				.health(new HealthSettings(properties.getHealth().getFailOnOpenCircuit()))
				.sse(sse(properties.getSse()))
				.backends(backends(properties))
				.build();
		});
	}

	private static BackendSettings backends(ClientProperties properties) {
		List<BackendEndpoint> endpoints = null;
		if (properties.getEndpoints() != null) {
			endpoints = new ArrayList<>();
			for (int i = 0; i < properties.getEndpoints().size(); i++) {
				endpoints.add(endpoint(properties.getEndpoints().get(i), i));
			}
		}
		OutlierDetectionProperties outlier = properties.getOutlierDetection();
		return new BackendSettings(endpoints,
				new OutlierDetectionSettings(outlier.getEnabled(), outlier.getConsecutive5xx(),
						outlier.getConsecutiveGatewayFailures(), outlier.getBaseEjectionTime(),
						outlier.getMaxEjectionTime(), outlier.getMaxEjectionPercent()),
				properties.getPauseScope());
	}

	private static BackendEndpoint endpoint(EndpointProperties properties, int index) {
		String key = "endpoints[" + index + "]";
		String url = properties.getUrl();
		if (url == null || url.isBlank()) {
			throw new InvalidSettingException(key + ".url", url, "must be set");
		}
		try {
			URI parsed = ClientSettings.parseBaseUrl(url);
			int weight = (properties.getWeight() != null) ? properties.getWeight() : 1;
			return new BackendEndpoint(parsed, weight);
		}
		catch (InvalidSettingException ex) {
			String suffix = ex.key().endsWith("weight") ? ".weight" : ".url";
			throw new InvalidSettingException(key + suffix, ex.value(), ex.reason());
		}
	}

	private static TimeoutSettings timeouts(TimeoutProperties properties) {
		TimeoutSettings.Builder timeouts = TimeoutSettings.builder();
		PropertyMapper map = PropertyMapper.get();
		map.from(properties::getConnect).to(timeouts::connect);
		map.from(properties::getTlsHandshake).to(timeouts::tlsHandshake);
		map.from(properties::getResponseHeaders).to(timeouts::responseHeaders);
		map.from(properties::getReadIdle).to(timeouts::readIdle);
		map.from(properties::getTotal).to(timeouts::total);
		map.from(properties::getTotalIncludesStreams).to(timeouts::totalIncludesStreams);
		return timeouts.build();
	}

	private static PoolSettings pool(PoolProperties properties) {
		PoolSettings.Builder pool = PoolSettings.builder();
		PropertyMapper map = PropertyMapper.get();
		map.from(properties::getMaxConnections).to(pool::maxConnections);
		map.from(properties::getPendingAcquireMaxCount).to(pool::pendingAcquireMaxCount);
		map.from(properties::getPendingAcquireTimeout).to(pool::pendingAcquireTimeout);
		map.from(properties::getMaxIdleTime).to(pool::maxIdleTime);
		map.from(properties::getMaxLifeTime).to(pool::maxLifeTime);
		map.from(properties::getEvictInBackground).to(pool::evictInBackground);
		map.from(properties::getLeasing).to(pool::leasing);
		return pool.build();
	}

	private static RetrySettings retry(RetryProperties properties) {
		RetrySettings.Builder retry = RetrySettings.builder();
		PropertyMapper map = PropertyMapper.get();
		map.from(properties::getMaxRetries).to(retry::maxRetries);
		map.from(properties::getInitialDelay).to(retry::initialDelay);
		map.from(properties::getMultiplier).to(retry::multiplier);
		map.from(properties::getMaxDelay).to(retry::maxDelay);
		map.from(properties::getJitter).to(retry::jitter);
		map.from(properties::getStatuses).to(retry::statuses);
		map.from(properties::getMaxRetryAfter).to(retry::maxRetryAfter);
		map.from(properties::getNonIdempotent).to(retry::nonIdempotent);
		map.from(properties::getIdempotencyKeyHeader).to(retry::idempotencyKeyHeader);
		map.from(properties::getInstant).to(retry::instant);
		RetryProperties.Budget budget = properties.getBudget();
		return retry.budget(new RetrySettings.RetryBudgetSettings(budget.getRatio(), budget.getMinConcurrency()))
			.build();
	}

	private static CircuitBreakerSettings circuitBreaker(CircuitBreakerProperties properties) {
		CircuitBreakerSettings.Builder breaker = CircuitBreakerSettings.builder();
		PropertyMapper map = PropertyMapper.get();
		map.from(properties::getEnabled).to(breaker::enabled);
		map.from(properties::getFailureRateThreshold).to(breaker::failureRateThreshold);
		map.from(properties::getSlidingWindow).to(breaker::slidingWindow);
		map.from(properties::getMinimumCalls).to(breaker::minimumCalls);
		map.from(properties::getWaitInOpen).to(breaker::waitInOpen);
		map.from(properties::getWaitMultiplier).to(breaker::waitMultiplier);
		map.from(properties::getMaxWaitInOpen).to(breaker::maxWaitInOpen);
		map.from(properties::getHalfOpenCalls).to(breaker::halfOpenCalls);
		map.from(properties::getMaxWaitInHalfOpen).to(breaker::maxWaitInHalfOpen);
		return breaker.build();
	}

	private static RateLimitSettings rateLimit(RateLimitProperties properties) {
		RateLimitSettings.Builder rateLimit = RateLimitSettings.builder();
		PropertyMapper map = PropertyMapper.get();
		map.from(properties::getRequestsPerSecond).to(rateLimit::requestsPerSecond);
		map.from(properties::getRequestsPerMinute).to(rateLimit::requestsPerMinute);
		map.from(properties::getBurst).to(rateLimit::burst);
		map.from(properties::getMaxWait).to(rateLimit::maxWait);
		map.from(properties::getStore).to(rateLimit::store);
		RateLimitProperties.Headers headers = properties.getHeaders();
		rateLimit.adaptive(new AdaptivePacingSettings(properties.getAdaptive(), properties.getAdaptiveThreshold(),
				headers.getRemaining(), headers.getReset(), headers.getLimit()));
		RateLimitProperties.Redis redis = properties.getRedis();
		rateLimit.redis(new SharedRateLimitSettings(redis.getTimeout(), redis.getOnFailure(), redis.getReplicas(),
				redis.getKey()));
		return rateLimit.build();
	}

	private static SseSettings sse(SseProperties properties) {
		SseProperties.Reconnect reconnect = properties.getReconnect();
		return SseSettings.builder()
			.maxLineSize(properties.getMaxLineSize())
			.maxEventSize(properties.getMaxEventSize())
			.reconnect(new SseReconnectSettings(reconnect.getEnabled(), reconnect.getResetAfter(),
					reconnectPolicy(reconnect)))
			.proxy(sseProxy(properties))
			.build();
	}

	private static SseProxySettings sseProxy(SseProperties properties) {
		SseProxySettings.Builder proxy = SseProxySettings.builder();
		PropertyMapper map = PropertyMapper.get();
		map.from(properties::getHeartbeat).to(proxy::heartbeat);
		map.from(properties::getBufferSize).to(proxy::bufferSize);
		map.from(properties::getSlowClientPolicy).to(proxy::slowClientPolicy);
		map.from(properties::getSlowClientTimeout).to(proxy::slowClientTimeout);
		map.from(properties::getMaxStreams).to(proxy::maxStreams);
		SseProperties.Resume resume = properties.getResume();
		return proxy.resume(new SseResumeSettings(resume.getEnabled(), reconnectPolicy(resume))).build();
	}

	private static ReconnectPolicySettings reconnectPolicy(ReconnectPolicyProperties properties) {
		ReconnectPolicySettings.Builder policy = ReconnectPolicySettings.builder();
		PropertyMapper map = PropertyMapper.get();
		map.from(properties::getInitialDelay).to(policy::initialDelay);
		map.from(properties::getMaxDelay).to(policy::maxDelay);
		map.from(properties::getMaxAttempts).to(policy::maxAttempts);
		map.from(properties::getMaxElapsed).to(policy::maxElapsed);
		return policy.build();
	}

	/**
	 * Map every configured client: its own properties, then {@code sentinel.defaults}.
	 * The built-in defaults are left to {@link SentinelClientFactory#resolve}, the one
	 * place that applies them.
	 * @param properties the properties
	 * @return configured settings by client name, in configuration order
	 */
	static Map<String, ClientSettings> mapAll(SentinelProperties properties) {
		ClientSettings defaults = map(properties.getDefaults(), defaultsPrefix());
		Map<String, ClientSettings> configured = new LinkedHashMap<>();
		properties.getClients()
			.forEach((name, client) -> configured.put(name, map(client, clientPrefix(name)).orElse(defaults)));
		return configured;
	}

	/**
	 * The first client whose rate limit is shared through Redis.
	 * @param clients the clients' settings
	 * @return its name, or {@code null} when every client keeps its limit locally
	 */
	static @Nullable String firstSharingClient(Map<String, ClientSettings> clients) {
		return clients.entrySet()
			.stream()
			.filter((client) -> client.getValue().rateLimit().isShared())
			.map(Map.Entry::getKey)
			.findFirst()
			.orElse(null);
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
			// Durations as the user writes them ('10m'), not as Duration.toString()
			// ('PT10M').
			throw new InvalidConfigurationPropertyValueException(keyPrefix + "." + ex.key(), SettingText.of(ex.value()),
					SettingText.withReadableDurations(ex.reason()));
		}
	}

}
