package io.httpsentinel.autoconfigure;

import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.client.ExchangeLogLevel;
import io.httpsentinel.resilience.PauseScope;

/**
 * Settings of one client, or of every client under {@code sentinel.defaults}. Every
 * property left unset is inherited: from {@code sentinel.defaults}, then from the
 * built-in default.
 */
public class ClientProperties {

	/**
	 * Base URL of the upstream host, e.g. 'https://api.anthropic.com', or 'lb://service'
	 * for the instances of a service that Spring Cloud LoadBalancer resolves. Relative
	 * request URIs resolve against it. Required for every client without 'endpoints'.
	 */
	private @Nullable String baseUrl;

	/**
	 * Several backends behind the client instead of one base URL: each attempt goes to
	 * one of them (weighted round robin, skipping ejected ones), and a retry to another.
	 * Relative request URIs resolve against the first.
	 */
	private @Nullable List<EndpointProperties> endpoints;

	@NestedConfigurationProperty
	private final OutlierDetectionProperties outlierDetection = new OutlierDetectionProperties();

	/**
	 * What a Retry-After longer than 'retry.max-retry-after' pauses when the client has
	 * several backends: 'backend' (the one that sent it; right for replicas of one's own
	 * servers) or 'client' (all of them; right for one provider behind several
	 * addresses).
	 */
	private @Nullable PauseScope pauseScope;

	/**
	 * Headers sent with every request, e.g. an API key. Merged per header name with those
	 * of 'sentinel.defaults'.
	 */
	private final Map<String, String> defaultHeaders = new LinkedHashMap<>();

	/**
	 * Whether to offer HTTP/2 (h2 over TLS, h2c over plain TCP) with fallback to
	 * HTTP/1.1.
	 */
	private @Nullable Boolean http2;

	/**
	 * Largest response body that may be buffered in memory (e.g. by bodyToMono); a larger
	 * one fails with ResponseTooLargeException. Streamed bodies are not limited.
	 */
	private @Nullable DataSize maxResponseSize;

	@NestedConfigurationProperty
	private final TimeoutProperties timeouts = new TimeoutProperties();

	@NestedConfigurationProperty
	private final PoolProperties pool = new PoolProperties();

	@NestedConfigurationProperty
	private final SslProperties ssl = new SslProperties();

	@NestedConfigurationProperty
	private final RetryProperties retry = new RetryProperties();

	@NestedConfigurationProperty
	private final CircuitBreakerProperties circuitBreaker = new CircuitBreakerProperties();

	@NestedConfigurationProperty
	private final RateLimitProperties rateLimit = new RateLimitProperties();

	/**
	 * Request/response logging at DEBUG level on the logger
	 * 'io.httpsentinel.exchange.<client>': 'none', 'basic' (request and response lines),
	 * 'headers' (also headers) or 'body' (also bodies, up to 'log-body-limit'). Secrets
	 * are redacted.
	 */
	private @Nullable ExchangeLogLevel log;

	/**
	 * Most bytes of each request or response body logged when 'log' is 'body'. The rest
	 * of the body passes unlogged; bodies are never buffered for logging.
	 */
	private @Nullable DataSize logBodyLimit;

	/**
	 * Header names whose values are never shown (logs, health, actuator endpoint), on top
	 * of the built-in ones such as Authorization, x-api-key or Cookie. Added to those of
	 * 'sentinel.defaults'; case-insensitive.
	 */
	private @Nullable Set<String> redactHeaders;

	/**
	 * Query parameter names whose values are never shown, on top of the built-in ones
	 * such as key, api_key or access_token. Added to those of 'sentinel.defaults';
	 * case-insensitive.
	 */
	private @Nullable Set<String> redactQueryParameters;

	@NestedConfigurationProperty
	private final HealthProperties health = new HealthProperties();

	@NestedConfigurationProperty
	private final SseProperties sse = new SseProperties();

	public @Nullable String getBaseUrl() {
		return this.baseUrl;
	}

	public @Nullable List<EndpointProperties> getEndpoints() {
		return this.endpoints;
	}

	public void setEndpoints(@Nullable List<EndpointProperties> endpoints) {
		this.endpoints = endpoints;
	}

	public OutlierDetectionProperties getOutlierDetection() {
		return this.outlierDetection;
	}

	public @Nullable PauseScope getPauseScope() {
		return this.pauseScope;
	}

	public void setPauseScope(@Nullable PauseScope pauseScope) {
		this.pauseScope = pauseScope;
	}

	public void setBaseUrl(@Nullable String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public Map<String, String> getDefaultHeaders() {
		return this.defaultHeaders;
	}

	public @Nullable Boolean getHttp2() {
		return this.http2;
	}

	public void setHttp2(@Nullable Boolean http2) {
		this.http2 = http2;
	}

	public @Nullable DataSize getMaxResponseSize() {
		return this.maxResponseSize;
	}

	public void setMaxResponseSize(@Nullable DataSize maxResponseSize) {
		this.maxResponseSize = maxResponseSize;
	}

	public TimeoutProperties getTimeouts() {
		return this.timeouts;
	}

	public PoolProperties getPool() {
		return this.pool;
	}

	public SslProperties getSsl() {
		return this.ssl;
	}

	public RetryProperties getRetry() {
		return this.retry;
	}

	public CircuitBreakerProperties getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public RateLimitProperties getRateLimit() {
		return this.rateLimit;
	}

	public @Nullable ExchangeLogLevel getLog() {
		return this.log;
	}

	public void setLog(@Nullable ExchangeLogLevel log) {
		this.log = log;
	}

	public @Nullable DataSize getLogBodyLimit() {
		return this.logBodyLimit;
	}

	public void setLogBodyLimit(@Nullable DataSize logBodyLimit) {
		this.logBodyLimit = logBodyLimit;
	}

	public @Nullable Set<String> getRedactHeaders() {
		return this.redactHeaders;
	}

	public void setRedactHeaders(@Nullable Set<String> redactHeaders) {
		this.redactHeaders = (redactHeaders != null) ? new LinkedHashSet<>(redactHeaders) : null;
	}

	public @Nullable Set<String> getRedactQueryParameters() {
		return this.redactQueryParameters;
	}

	public void setRedactQueryParameters(@Nullable Set<String> redactQueryParameters) {
		this.redactQueryParameters = (redactQueryParameters != null) ? new LinkedHashSet<>(redactQueryParameters)
				: null;
	}

	public HealthProperties getHealth() {
		return this.health;
	}

	public SseProperties getSse() {
		return this.sse;
	}

}
