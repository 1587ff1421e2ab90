package io.httpsentinel.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.LinkedCaseInsensitiveMap;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;
import io.httpsentinel.client.pool.PoolSettings;
import io.httpsentinel.client.pool.SslSettings;
import io.httpsentinel.client.pool.TimeoutSettings;
import io.httpsentinel.resilience.CircuitBreakerSettings;
import io.httpsentinel.resilience.RateLimitSettings;
import io.httpsentinel.resilience.ResponseTooLargeException;
import io.httpsentinel.resilience.RetrySettings;
import io.httpsentinel.sse.SseSettings;

/**
 * Immutable settings of one named client. Every component may be {@code null}, meaning
 * "inherit": {@link #orElse(ClientSettings)} fills the gaps from another instance, so a
 * client's own settings resolve as {@code client.orElse(defaults).orElse(DEFAULTS)}. A
 * value set explicitly always wins, even when it equals the inherited one.
 *
 * @param baseUrl base URL of the host (scheme {@code http} or {@code https}, host, and an
 * optional base path); relative request URIs are resolved against it
 * @param defaultHeaders headers sent with every request; inherited per header name
 * (case-insensitive), a client's value replacing the inherited one
 * @param http2 whether to offer HTTP/2 ({@code h2} over TLS, {@code h2c} over plain TCP)
 * with fallback to HTTP/1.1
 * @param maxResponseSize largest response body that may be buffered in memory (for
 * example by {@code bodyToMono}); larger bodies fail with
 * {@link ResponseTooLargeException}. Streamed bodies ({@code bodyToFlux}) are not limited
 * @param timeouts timeouts
 * @param pool connection pool
 * @param ssl TLS
 * @param retry retries
 * @param circuitBreaker circuit breaker
 * @param rateLimit client-side rate limit
 * @param log request/response logging
 * @param redaction names whose values are never shown, beyond the built-in ones
 * @param health how the client reports in the health endpoint
 * @param sse SSE streams read with {@link SentinelClient#sse}
 */
public record ClientSettings(@Nullable URI baseUrl, @Nullable Map<String, String> defaultHeaders,
		@Nullable Boolean http2, @Nullable DataSize maxResponseSize, TimeoutSettings timeouts, PoolSettings pool,
		SslSettings ssl, RetrySettings retry, CircuitBreakerSettings circuitBreaker, RateLimitSettings rateLimit,
		LogSettings log, RedactionSettings redaction, HealthSettings health, SseSettings sse) {

	/**
	 * Built-in defaults: no base URL, no default headers, HTTP/1.1 only, 10MB response
	 * bodies, no exchange logging, and the defaults of {@link TimeoutSettings},
	 * {@link PoolSettings}, {@link SslSettings} and the other settings records.
	 */
	public static final ClientSettings DEFAULTS = new ClientSettings(null, Map.of(), false, DataSize.ofMegabytes(10),
			TimeoutSettings.DEFAULTS, PoolSettings.DEFAULTS, SslSettings.DEFAULTS, RetrySettings.DEFAULTS,
			CircuitBreakerSettings.DEFAULTS, RateLimitSettings.DEFAULTS, LogSettings.DEFAULTS,
			RedactionSettings.DEFAULTS, HealthSettings.DEFAULTS, SseSettings.DEFAULTS);

	/**
	 * Settings that inherit everything.
	 */
	public static final ClientSettings INHERIT = new ClientSettings(null, null, null, null, TimeoutSettings.INHERIT,
			PoolSettings.INHERIT, SslSettings.INHERIT, RetrySettings.INHERIT, CircuitBreakerSettings.INHERIT,
			RateLimitSettings.INHERIT, LogSettings.INHERIT, RedactionSettings.INHERIT, HealthSettings.INHERIT,
			SseSettings.INHERIT);

	public ClientSettings {
		if (baseUrl != null) {
			checkBaseUrl(baseUrl);
		}
		if (defaultHeaders != null) {
			defaultHeaders = copyOf(defaultHeaders);
		}
		SettingChecks.positive("max-response-size", maxResponseSize);
	}

	/**
	 * Parse a base URL, rejecting anything that is not an absolute {@code http} or
	 * {@code https} URL with a host.
	 * @param baseUrl the text to parse
	 * @return the URL
	 * @throws InvalidSettingException with key {@code base-url} when it is not valid
	 */
	public static URI parseBaseUrl(String baseUrl) {
		try {
			URI uri = new URI(baseUrl.strip());
			checkBaseUrl(uri);
			return uri;
		}
		catch (URISyntaxException ex) {
			throw new InvalidSettingException("base-url", baseUrl, "is not a valid URL (" + ex.getReason() + ")");
		}
	}

	private static void checkBaseUrl(URI uri) {
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : null;
		if (!"http".equals(scheme) && !"https".equals(scheme)) {
			throw new InvalidSettingException("base-url", uri, "must be an absolute http:// or https:// URL");
		}
		if (uri.getHost() == null || uri.getHost().isEmpty()) {
			throw new InvalidSettingException("base-url", uri, "must name a host");
		}
		if (uri.getRawUserInfo() != null) {
			// Credentials in a URL end up in logs and metrics; headers are redacted
			// instead.
			throw new InvalidSettingException("base-url", "(redacted)",
					"must not contain credentials; send them with default-headers");
		}
		if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
			throw new InvalidSettingException("base-url", uri, "must not contain a query or fragment");
		}
	}

	private static Map<String, String> copyOf(Map<String, String> headers) {
		LinkedCaseInsensitiveMap<String> copy = new LinkedCaseInsensitiveMap<>(headers.size(), Locale.ROOT);
		headers.forEach((name, value) -> {
			if (name.isBlank() || value == null) {
				throw new InvalidSettingException("default-headers", name, "header name and value must be set");
			}
			copy.put(name.strip(), value);
		});
		return Collections.unmodifiableMap(copy);
	}

	/**
	 * Return settings where every {@code null} component is taken from {@code other};
	 * default headers are merged per name, this instance's values winning.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public ClientSettings orElse(ClientSettings other) {
		return new ClientSettings(SettingChecks.pick(this.baseUrl, other.baseUrl),
				mergeHeaders(this.defaultHeaders, other.defaultHeaders), SettingChecks.pick(this.http2, other.http2),
				SettingChecks.pick(this.maxResponseSize, other.maxResponseSize), this.timeouts.orElse(other.timeouts),
				this.pool.orElse(other.pool), this.ssl.orElse(other.ssl), this.retry.orElse(other.retry),
				this.circuitBreaker.orElse(other.circuitBreaker), this.rateLimit.orElse(other.rateLimit),
				this.log.orElse(other.log), this.redaction.orElse(other.redaction), this.health.orElse(other.health),
				this.sse.orElse(other.sse));
	}

	private static @Nullable Map<String, String> mergeHeaders(@Nullable Map<String, String> own,
			@Nullable Map<String, String> inherited) {
		if (own == null || inherited == null) {
			return (own != null) ? own : inherited;
		}
		LinkedCaseInsensitiveMap<String> merged = new LinkedCaseInsensitiveMap<>(Locale.ROOT);
		merged.putAll(inherited);
		merged.putAll(own);
		return merged;
	}

	/**
	 * Check the rules that span several settings (for example the response-headers
	 * timeout against the total timeout). Call on resolved settings.
	 * @throws InvalidSettingException naming the offending key
	 */
	public void checkConsistent() {
		this.timeouts.checkConsistent();
		this.ssl.checkConsistent();
		this.retry.checkConsistent();
		this.circuitBreaker.checkConsistent(this.timeouts.responseHeaders());
		this.rateLimit.checkConsistent();
		this.sse.checkConsistent();
	}

	public ClientSettings withBaseUrl(@Nullable URI baseUrl) {
		return new ClientSettings(baseUrl, this.defaultHeaders, this.http2, this.maxResponseSize, this.timeouts,
				this.pool, this.ssl, this.retry, this.circuitBreaker, this.rateLimit, this.log, this.redaction,
				this.health, this.sse);
	}

	public ClientSettings withDefaultHeaders(@Nullable Map<String, String> defaultHeaders) {
		return new ClientSettings(this.baseUrl, defaultHeaders, this.http2, this.maxResponseSize, this.timeouts,
				this.pool, this.ssl, this.retry, this.circuitBreaker, this.rateLimit, this.log, this.redaction,
				this.health, this.sse);
	}

	public ClientSettings withHttp2(@Nullable Boolean http2) {
		return new ClientSettings(this.baseUrl, this.defaultHeaders, http2, this.maxResponseSize, this.timeouts,
				this.pool, this.ssl, this.retry, this.circuitBreaker, this.rateLimit, this.log, this.redaction,
				this.health, this.sse);
	}

	public ClientSettings withMaxResponseSize(@Nullable DataSize maxResponseSize) {
		return new ClientSettings(this.baseUrl, this.defaultHeaders, this.http2, maxResponseSize, this.timeouts,
				this.pool, this.ssl, this.retry, this.circuitBreaker, this.rateLimit, this.log, this.redaction,
				this.health, this.sse);
	}

	public ClientSettings withTimeouts(TimeoutSettings timeouts) {
		return new ClientSettings(this.baseUrl, this.defaultHeaders, this.http2, this.maxResponseSize, timeouts,
				this.pool, this.ssl, this.retry, this.circuitBreaker, this.rateLimit, this.log, this.redaction,
				this.health, this.sse);
	}

	public ClientSettings withPool(PoolSettings pool) {
		return new ClientSettings(this.baseUrl, this.defaultHeaders, this.http2, this.maxResponseSize, this.timeouts,
				pool, this.ssl, this.retry, this.circuitBreaker, this.rateLimit, this.log, this.redaction, this.health,
				this.sse);
	}

	public ClientSettings withSsl(SslSettings ssl) {
		return new ClientSettings(this.baseUrl, this.defaultHeaders, this.http2, this.maxResponseSize, this.timeouts,
				this.pool, ssl, this.retry, this.circuitBreaker, this.rateLimit, this.log, this.redaction, this.health,
				this.sse);
	}

	public ClientSettings withRetry(RetrySettings retry) {
		return new ClientSettings(this.baseUrl, this.defaultHeaders, this.http2, this.maxResponseSize, this.timeouts,
				this.pool, this.ssl, retry, this.circuitBreaker, this.rateLimit, this.log, this.redaction, this.health,
				this.sse);
	}

	public ClientSettings withCircuitBreaker(CircuitBreakerSettings circuitBreaker) {
		return new ClientSettings(this.baseUrl, this.defaultHeaders, this.http2, this.maxResponseSize, this.timeouts,
				this.pool, this.ssl, this.retry, circuitBreaker, this.rateLimit, this.log, this.redaction, this.health,
				this.sse);
	}

	public ClientSettings withRateLimit(RateLimitSettings rateLimit) {
		return new ClientSettings(this.baseUrl, this.defaultHeaders, this.http2, this.maxResponseSize, this.timeouts,
				this.pool, this.ssl, this.retry, this.circuitBreaker, rateLimit, this.log, this.redaction, this.health,
				this.sse);
	}

	public ClientSettings withLog(LogSettings log) {
		return new ClientSettings(this.baseUrl, this.defaultHeaders, this.http2, this.maxResponseSize, this.timeouts,
				this.pool, this.ssl, this.retry, this.circuitBreaker, this.rateLimit, log, this.redaction, this.health,
				this.sse);
	}

	public ClientSettings withRedaction(RedactionSettings redaction) {
		return new ClientSettings(this.baseUrl, this.defaultHeaders, this.http2, this.maxResponseSize, this.timeouts,
				this.pool, this.ssl, this.retry, this.circuitBreaker, this.rateLimit, this.log, redaction, this.health,
				this.sse);
	}

	public ClientSettings withHealth(HealthSettings health) {
		return new ClientSettings(this.baseUrl, this.defaultHeaders, this.http2, this.maxResponseSize, this.timeouts,
				this.pool, this.ssl, this.retry, this.circuitBreaker, this.rateLimit, this.log, this.redaction, health,
				this.sse);
	}

	public ClientSettings withSse(SseSettings sse) {
		return new ClientSettings(this.baseUrl, this.defaultHeaders, this.http2, this.maxResponseSize, this.timeouts,
				this.pool, this.ssl, this.retry, this.circuitBreaker, this.rateLimit, this.log, this.redaction,
				this.health, sse);
	}

}
