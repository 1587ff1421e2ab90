package io.httpsentinel.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.util.unit.DataSize;

/**
 * The resilience pipeline of one client without its transport: what every call of the
 * client shares (its name, its resilience state, the settings the decisions read and the
 * listeners). Each call gets a {@link Call} that takes the decisions of its attempts; a
 * transport adapter ({@link ResilienceFilter} for {@code WebClient}) only runs them.
 */
final class Pipeline {

	private static final Duration RESOLVER_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration MARGIN = Duration.ofSeconds(1);

	final String clientName;

	final ClientResilience resilience;

	final Duration total;

	final long totalNanos;

	final boolean totalIncludesStreams;

	final long rateLimitMaxWaitNanos;

	final long longestAttemptNanos;

	private final DataSize maxResponseSize;

	private final @Nullable String idempotencyKeyHeader;

	private final List<RetryListener> listeners;

	/**
	 * Create the pipeline of a client.
	 * @param clientName the client name
	 * @param settings what the pipeline reads of the client's resolved settings
	 * @param resilience the client's resilience state
	 * @param listeners listeners told about every attempt of every call
	 */
	Pipeline(String clientName, PipelineSettings settings, ClientResilience resilience, List<RetryListener> listeners) {
		this.clientName = clientName;
		this.resilience = resilience;
		this.total = settings.timeouts().total();
		this.totalNanos = this.total.toNanos();
		this.totalIncludesStreams = Boolean.TRUE.equals(settings.timeouts().totalIncludesStreams());
		this.rateLimitMaxWaitNanos = settings.rateLimit().maxWait().toNanos();
		this.longestAttemptNanos = longestAttempt(settings).toNanos();
		this.maxResponseSize = settings.maxResponseSize();
		this.idempotencyKeyHeader = settings.retry().idempotencyKeyHeader();
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * Longest an attempt can take before one of its own timeouts ends it: waiting for a
	 * pooled connection, name resolution (Reactor Netty's resolver gives up after 5s),
	 * connecting, the TLS handshake and the response headers, plus a margin.
	 */
	private static Duration longestAttempt(PipelineSettings settings) {
		return settings.pendingAcquireTimeout()
			.plus(RESOLVER_TIMEOUT)
			.plus(settings.timeouts().connect())
			.plus(settings.timeouts().tlsHandshake())
			.plus(settings.timeouts().responseHeaders())
			.plus(MARGIN);
	}

	/**
	 * The header to send a fresh idempotency key in, when the client is configured with
	 * one and the caller did not set it. The adapter sets it once per call, so that every
	 * attempt carries the same key.
	 * @param requestHeaders the call's request headers
	 * @return the header name, or {@code null} when no key is to be added
	 */
	@Nullable String missingIdempotencyKeyHeader(HttpHeaders requestHeaders) {
		String header = this.idempotencyKeyHeader;
		return (header == null || requestHeaders.containsHeader(header)) ? null : header;
	}

	/**
	 * A new idempotency key.
	 * @return the key
	 */
	static String newIdempotencyKey() {
		return UUID.randomUUID().toString();
	}

	/**
	 * The listeners of one call: the client's, plus the call's own if it has one.
	 * @param perCall the value of the call's {@link RetryListener#ATTRIBUTE}, if any
	 * @return the listeners
	 */
	List<RetryListener> listeners(@Nullable Object perCall) {
		if (perCall instanceof RetryListener listener) {
			List<RetryListener> all = new ArrayList<>(this.listeners);
			all.add(listener);
			return all;
		}
		return this.listeners;
	}

	/**
	 * Whether the total timeout keeps running while the caller reads a body.
	 * @param stream whether the body is a stream ({@link #isStream})
	 * @return {@code true} for a buffered body, and for a stream when
	 * {@code timeouts.total-includes-streams} is set
	 */
	boolean totalTimeoutCoversBody(boolean stream) {
		return !stream || this.totalIncludesStreams;
	}

	/**
	 * The error a body failed with, as the caller sees it: a body over
	 * {@code max-response-size} becomes {@link ResponseTooLargeException}, and a stream
	 * breaking off counts against the circuit breaker.
	 * @param error the body's error
	 * @return the error for the caller
	 */
	Throwable bodyFailed(Throwable error) {
		Throwable translated = bodyFailedBeforeReconnect(error);
		this.resilience.breaker().recordBodyFailure(translated);
		return translated;
	}

	/**
	 * The error a stream failed with, as the caller sees it, when the caller reconnects
	 * it ({@link ReconnectedStream}): not counted against the circuit breaker, which
	 * records the reconnect instead.
	 * @param error the stream's error
	 * @return the error for the caller
	 */
	Throwable bodyFailedBeforeReconnect(Throwable error) {
		return ResponseTooLargeException.translate(this.clientName, this.maxResponseSize, error);
	}

	/**
	 * The error of a call that outlived its total timeout.
	 * @return the error
	 */
	TotalTimeoutException totalTimeout() {
		return new TotalTimeoutException(this.clientName, this.total, null);
	}

}
