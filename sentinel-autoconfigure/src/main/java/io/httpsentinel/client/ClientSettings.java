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
import io.httpsentinel.resilience.BackendSettings;
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
 * optional base path), or {@code lb://service} for the instances of a service that Spring
 * Cloud LoadBalancer resolves; relative request URIs are resolved against it
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
 * @param backends several backends behind the client, and their outlier ejection
 */
public record ClientSettings(@Nullable URI baseUrl, @Nullable Map<String, String> defaultHeaders,
		@Nullable Boolean http2, @Nullable DataSize maxResponseSize, TimeoutSettings timeouts, PoolSettings pool,
		SslSettings ssl, RetrySettings retry, CircuitBreakerSettings circuitBreaker, RateLimitSettings rateLimit,
		LogSettings log, RedactionSettings redaction, HealthSettings health, SseSettings sse,
		BackendSettings backends) {

	/**
	 * Settings that inherit everything.
	 */
	public static final ClientSettings INHERIT = new ClientSettings(null, null, null, null, TimeoutSettings.INHERIT,
			PoolSettings.INHERIT, SslSettings.INHERIT, RetrySettings.INHERIT, CircuitBreakerSettings.INHERIT,
			RateLimitSettings.INHERIT, LogSettings.INHERIT, RedactionSettings.INHERIT, HealthSettings.INHERIT,
			SseSettings.INHERIT, BackendSettings.INHERIT);

	/**
	 * Built-in defaults: no base URL, no default headers, HTTP/1.1 only, 10MB response
	 * bodies, no exchange logging, and the defaults of {@link TimeoutSettings},
	 * {@link PoolSettings}, {@link SslSettings} and the other settings records.
	 */
	public static final ClientSettings DEFAULTS = builder().defaultHeaders(Map.of())
		.http2(false)
		.maxResponseSize(DataSize.ofMegabytes(10))
		.timeouts(TimeoutSettings.DEFAULTS)
		.pool(PoolSettings.DEFAULTS)
		.ssl(SslSettings.DEFAULTS)
		.retry(RetrySettings.DEFAULTS)
		.circuitBreaker(CircuitBreakerSettings.DEFAULTS)
		.rateLimit(RateLimitSettings.DEFAULTS)
		.log(LogSettings.DEFAULTS)
		.redaction(RedactionSettings.DEFAULTS)
		.health(HealthSettings.DEFAULTS)
		.sse(SseSettings.DEFAULTS)
		.backends(BackendSettings.DEFAULTS)
		.build();

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
		String text = baseUrl.strip();
		String withScheme = MissingScheme.added(text);
		if (withScheme != null) {
			// Else java.net.URI reads '127.0.0.1:9099' as a scheme with an illegal
			// character, and 'localhost:8080' as the scheme 'localhost'.
			throw new InvalidSettingException("base-url", baseUrl, "has no scheme: write it as '" + withScheme + "' ("
					+ (withScheme.startsWith("https") ? "or http:// without TLS)" : "or https:// for TLS)"));
		}
		try {
			URI uri = new URI(text);
			checkBaseUrl(uri);
			return uri;
		}
		catch (URISyntaxException ex) {
			throw new InvalidSettingException("base-url", baseUrl, "is not a valid URL (" + ex.getReason() + ")");
		}
	}

	private static void checkBaseUrl(URI uri) {
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : null;
		if (!"http".equals(scheme) && !"https".equals(scheme) && !BackendSettings.isServiceUrl(uri)) {
			throw new InvalidSettingException("base-url", uri,
					"must be an absolute http:// or https:// URL, or lb://service for a service's instances");
		}
		if (BackendSettings.isServiceUrl(uri) && uri.getPort() != -1) {
			throw new InvalidSettingException("base-url", uri,
					"names a service: lb://service takes no port (each instance has its own)");
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
				this.sse.orElse(other.sse), this.backends.orElse(other.backends));
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
		this.backends.outlierDetection().checkConsistent();
		if (this.backends.hasEndpoints() && this.baseUrl != null) {
			throw new InvalidSettingException("endpoints", this.backends.endpoints(),
					"cannot be set together with base-url (" + this.baseUrl
							+ "): set base-url for one host or a service (lb://), endpoints for several hosts");
		}
	}

	/**
	 * The URL relative request URIs resolve against: the base URL, or the first of the
	 * fixed backends (a request under it goes to whichever backend is chosen).
	 * @return the URL, or {@code null} when neither is set
	 */
	public @Nullable URI logicalBaseUrl() {
		if (this.baseUrl != null) {
			return this.baseUrl;
		}
		return this.backends.hasEndpoints() ? this.backends.endpoints().get(0).url() : null;
	}

	public ClientSettings withBaseUrl(@Nullable URI baseUrl) {
		return toBuilder().baseUrl(baseUrl).build();
	}

	public ClientSettings withDefaultHeaders(@Nullable Map<String, String> defaultHeaders) {
		return toBuilder().defaultHeaders(defaultHeaders).build();
	}

	public ClientSettings withHttp2(@Nullable Boolean http2) {
		return toBuilder().http2(http2).build();
	}

	public ClientSettings withMaxResponseSize(@Nullable DataSize maxResponseSize) {
		return toBuilder().maxResponseSize(maxResponseSize).build();
	}

	public ClientSettings withTimeouts(TimeoutSettings timeouts) {
		return toBuilder().timeouts(timeouts).build();
	}

	public ClientSettings withPool(PoolSettings pool) {
		return toBuilder().pool(pool).build();
	}

	public ClientSettings withSsl(SslSettings ssl) {
		return toBuilder().ssl(ssl).build();
	}

	public ClientSettings withRetry(RetrySettings retry) {
		return toBuilder().retry(retry).build();
	}

	public ClientSettings withCircuitBreaker(CircuitBreakerSettings circuitBreaker) {
		return toBuilder().circuitBreaker(circuitBreaker).build();
	}

	public ClientSettings withRateLimit(RateLimitSettings rateLimit) {
		return toBuilder().rateLimit(rateLimit).build();
	}

	public ClientSettings withLog(LogSettings log) {
		return toBuilder().log(log).build();
	}

	public ClientSettings withRedaction(RedactionSettings redaction) {
		return toBuilder().redaction(redaction).build();
	}

	public ClientSettings withHealth(HealthSettings health) {
		return toBuilder().health(health).build();
	}

	public ClientSettings withSse(SseSettings sse) {
		return toBuilder().sse(sse).build();
	}

	public ClientSettings withBackends(BackendSettings backends) {
		return toBuilder().backends(backends).build();
	}

	/**
	 * Start building settings by name, from settings that inherit everything.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder(INHERIT);
	}

	private Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * Builds {@link ClientSettings} by name; each method sets the component of the same
	 * name.
	 */
	public static final class Builder {

		private @Nullable URI baseUrl;

		private @Nullable Map<String, String> defaultHeaders;

		private @Nullable Boolean http2;

		private @Nullable DataSize maxResponseSize;

		private TimeoutSettings timeouts;

		private PoolSettings pool;

		private SslSettings ssl;

		private RetrySettings retry;

		private CircuitBreakerSettings circuitBreaker;

		private RateLimitSettings rateLimit;

		private LogSettings log;

		private RedactionSettings redaction;

		private HealthSettings health;

		private SseSettings sse;

		private BackendSettings backends;

		private Builder(ClientSettings from) {
			this.baseUrl = from.baseUrl;
			this.defaultHeaders = from.defaultHeaders;
			this.http2 = from.http2;
			this.maxResponseSize = from.maxResponseSize;
			this.timeouts = from.timeouts;
			this.pool = from.pool;
			this.ssl = from.ssl;
			this.retry = from.retry;
			this.circuitBreaker = from.circuitBreaker;
			this.rateLimit = from.rateLimit;
			this.log = from.log;
			this.redaction = from.redaction;
			this.health = from.health;
			this.sse = from.sse;
			this.backends = from.backends;
		}

		public Builder baseUrl(@Nullable URI baseUrl) {
			this.baseUrl = baseUrl;
			return this;
		}

		public Builder defaultHeaders(@Nullable Map<String, String> defaultHeaders) {
			this.defaultHeaders = defaultHeaders;
			return this;
		}

		public Builder http2(@Nullable Boolean http2) {
			this.http2 = http2;
			return this;
		}

		public Builder maxResponseSize(@Nullable DataSize maxResponseSize) {
			this.maxResponseSize = maxResponseSize;
			return this;
		}

		public Builder timeouts(TimeoutSettings timeouts) {
			this.timeouts = timeouts;
			return this;
		}

		public Builder pool(PoolSettings pool) {
			this.pool = pool;
			return this;
		}

		public Builder ssl(SslSettings ssl) {
			this.ssl = ssl;
			return this;
		}

		public Builder retry(RetrySettings retry) {
			this.retry = retry;
			return this;
		}

		public Builder circuitBreaker(CircuitBreakerSettings circuitBreaker) {
			this.circuitBreaker = circuitBreaker;
			return this;
		}

		public Builder rateLimit(RateLimitSettings rateLimit) {
			this.rateLimit = rateLimit;
			return this;
		}

		public Builder log(LogSettings log) {
			this.log = log;
			return this;
		}

		public Builder redaction(RedactionSettings redaction) {
			this.redaction = redaction;
			return this;
		}

		public Builder health(HealthSettings health) {
			this.health = health;
			return this;
		}

		public Builder sse(SseSettings sse) {
			this.sse = sse;
			return this;
		}

		public Builder backends(BackendSettings backends) {
			this.backends = backends;
			return this;
		}

		public ClientSettings build() {
			return new ClientSettings(this.baseUrl, this.defaultHeaders, this.http2, this.maxResponseSize,
					this.timeouts, this.pool, this.ssl, this.retry, this.circuitBreaker, this.rateLimit, this.log,
					this.redaction, this.health, this.sse, this.backends);
		}

	}

}
