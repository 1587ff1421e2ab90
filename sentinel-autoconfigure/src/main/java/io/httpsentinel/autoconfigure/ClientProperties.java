package io.httpsentinel.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.client.ExchangeLogLevel;
import io.httpsentinel.client.pool.LeasingStrategy;

/**
 * Settings of one client, or of every client under {@code sentinel.defaults}. Every
 * property left unset is inherited: from {@code sentinel.defaults}, then from the
 * built-in default.
 */
public class ClientProperties {

	/**
	 * Base URL of the upstream host, e.g. 'https://api.anthropic.com'. Relative request
	 * URIs resolve against it. Required for every client.
	 */
	private @Nullable String baseUrl;

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

	private final Timeouts timeouts = new Timeouts();

	private final Pool pool = new Pool();

	private final Ssl ssl = new Ssl();

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

	private final Health health = new Health();

	@NestedConfigurationProperty
	private final SseProperties sse = new SseProperties();

	public @Nullable String getBaseUrl() {
		return this.baseUrl;
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

	public Timeouts getTimeouts() {
		return this.timeouts;
	}

	public Pool getPool() {
		return this.pool;
	}

	public Ssl getSsl() {
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

	public Health getHealth() {
		return this.health;
	}

	public SseProperties getSse() {
		return this.sse;
	}

	/**
	 * Timeouts.
	 */
	public static class Timeouts {

		/**
		 * Maximum time to establish a TCP connection.
		 */
		private @Nullable Duration connect;

		/**
		 * Maximum time for the TLS handshake once connected.
		 */
		private @Nullable Duration tlsHandshake;

		/**
		 * Maximum time from the request being sent until the response headers arrive.
		 */
		private @Nullable Duration responseHeaders;

		/**
		 * Maximum gap between two chunks of a response body once the headers arrived (not
		 * the length of the whole body, so long streams are fine).
		 */
		private @Nullable Duration readIdle;

		/**
		 * Maximum duration of a whole call: every attempt, backoff and rate-limit wait,
		 * and the reading of a buffered response body. Must be longer than
		 * 'response-headers'.
		 */
		private @Nullable Duration total;

		/**
		 * Whether 'total' also bounds streamed response bodies (text/event-stream,
		 * application/x-ndjson, ...).
		 */
		private @Nullable Boolean totalIncludesStreams;

		public @Nullable Boolean getTotalIncludesStreams() {
			return this.totalIncludesStreams;
		}

		public void setTotalIncludesStreams(@Nullable Boolean totalIncludesStreams) {
			this.totalIncludesStreams = totalIncludesStreams;
		}

		public @Nullable Duration getConnect() {
			return this.connect;
		}

		public void setConnect(@Nullable Duration connect) {
			this.connect = connect;
		}

		public @Nullable Duration getTlsHandshake() {
			return this.tlsHandshake;
		}

		public void setTlsHandshake(@Nullable Duration tlsHandshake) {
			this.tlsHandshake = tlsHandshake;
		}

		public @Nullable Duration getResponseHeaders() {
			return this.responseHeaders;
		}

		public void setResponseHeaders(@Nullable Duration responseHeaders) {
			this.responseHeaders = responseHeaders;
		}

		public @Nullable Duration getReadIdle() {
			return this.readIdle;
		}

		public void setReadIdle(@Nullable Duration readIdle) {
			this.readIdle = readIdle;
		}

		public @Nullable Duration getTotal() {
			return this.total;
		}

		public void setTotal(@Nullable Duration total) {
			this.total = total;
		}

	}

	/**
	 * Connection pool, in Reactor Netty's vocabulary.
	 */
	public static class Pool {

		/**
		 * Maximum number of connections to the host.
		 */
		private @Nullable Integer maxConnections;

		/**
		 * Maximum number of requests waiting for a connection; more fail at once.
		 */
		private @Nullable Integer pendingAcquireMaxCount;

		/**
		 * Maximum time a request waits for a connection.
		 */
		private @Nullable Duration pendingAcquireTimeout;

		/**
		 * Time after which an unused connection is closed.
		 */
		private @Nullable Duration maxIdleTime;

		/**
		 * Maximum age of a connection, so that DNS changes are picked up.
		 */
		private @Nullable Duration maxLifeTime;

		/**
		 * Interval of the background eviction of idle and expired connections; 0 disables
		 * it.
		 */
		private @Nullable Duration evictInBackground;

		/**
		 * Order in which idle connections are reused: 'lifo' (most recently used first)
		 * or 'fifo'.
		 */
		private @Nullable LeasingStrategy leasing;

		public @Nullable Integer getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(@Nullable Integer maxConnections) {
			this.maxConnections = maxConnections;
		}

		public @Nullable Integer getPendingAcquireMaxCount() {
			return this.pendingAcquireMaxCount;
		}

		public void setPendingAcquireMaxCount(@Nullable Integer pendingAcquireMaxCount) {
			this.pendingAcquireMaxCount = pendingAcquireMaxCount;
		}

		public @Nullable Duration getPendingAcquireTimeout() {
			return this.pendingAcquireTimeout;
		}

		public void setPendingAcquireTimeout(@Nullable Duration pendingAcquireTimeout) {
			this.pendingAcquireTimeout = pendingAcquireTimeout;
		}

		public @Nullable Duration getMaxIdleTime() {
			return this.maxIdleTime;
		}

		public void setMaxIdleTime(@Nullable Duration maxIdleTime) {
			this.maxIdleTime = maxIdleTime;
		}

		public @Nullable Duration getMaxLifeTime() {
			return this.maxLifeTime;
		}

		public void setMaxLifeTime(@Nullable Duration maxLifeTime) {
			this.maxLifeTime = maxLifeTime;
		}

		public @Nullable Duration getEvictInBackground() {
			return this.evictInBackground;
		}

		public void setEvictInBackground(@Nullable Duration evictInBackground) {
			this.evictInBackground = evictInBackground;
		}

		public @Nullable LeasingStrategy getLeasing() {
			return this.leasing;
		}

		public void setLeasing(@Nullable LeasingStrategy leasing) {
			this.leasing = leasing;
		}

	}

	/**
	 * TLS. Server certificates are verified against the JVM's trust store unless an SSL
	 * bundle is named.
	 */
	public static class Ssl {

		/**
		 * Name of a Spring Boot SSL bundle ('spring.ssl.bundle.*') with the trust store
		 * and, for mutual TLS, the client key.
		 */
		private @Nullable String bundle;

		/**
		 * Whether to trust every server certificate without verification. Local
		 * development only; logs a warning at startup.
		 */
		private @Nullable Boolean insecureTrustAll;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public @Nullable Boolean getInsecureTrustAll() {
			return this.insecureTrustAll;
		}

		public void setInsecureTrustAll(@Nullable Boolean insecureTrustAll) {
			this.insecureTrustAll = insecureTrustAll;
		}

	}

	/**
	 * Health contribution (Spring Boot Actuator).
	 */
	public static class Health {

		/**
		 * Whether an open circuit breaker reports the client DOWN instead of
		 * CIRCUIT_OPEN. Only for upstreams the application is useless without.
		 */
		private @Nullable Boolean failOnOpenCircuit;

		public @Nullable Boolean getFailOnOpenCircuit() {
			return this.failOnOpenCircuit;
		}

		public void setFailOnOpenCircuit(@Nullable Boolean failOnOpenCircuit) {
			this.failOnOpenCircuit = failOnOpenCircuit;
		}

	}

}
