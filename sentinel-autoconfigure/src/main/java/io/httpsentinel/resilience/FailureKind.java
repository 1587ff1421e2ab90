package io.httpsentinel.resilience;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.PrematureCloseException;

import io.httpsentinel.Internal;
import io.httpsentinel.client.pool.PoolAcquireTimeoutException;
import io.httpsentinel.client.pool.ReadIdleTimeoutException;
import io.httpsentinel.client.pool.ResponseHeadersTimeoutException;

/**
 * What went wrong with an attempt that produced no response, as far as retrying and the
 * circuit breaker care.
 */
@Internal
public enum FailureKind {

	/** Connection refused, connect timeout, unknown host: the request never left. */
	CONNECT(true, true),

	/** The TLS handshake timed out: no HTTP request was sent. */
	TLS_HANDSHAKE_TIMEOUT(true, true),

	/** No pooled connection in time: the request never left. */
	POOL_ACQUIRE_TIMEOUT(true, false),

	/** An HTTP/2 server refused the stream before processing it. */
	REFUSED_STREAM(true, false),

	/** The connection closed or reset before the response headers: maybe processed. */
	RESET_BEFORE_RESPONSE(false, true),

	/** No response headers in time: maybe processed. */
	RESPONSE_HEADERS_TIMEOUT(false, true),

	/**
	 * Bytes that are not an HTTP response came back (no status line, a line too long):
	 * maybe processed.
	 */
	INVALID_RESPONSE(false, true),

	/**
	 * A body to be read whole broke off (closed or reset) before the caller had any of
	 * it: processed, answered, and the answer lost. Only {@link #ofBody} gives it.
	 */
	RESET_DURING_BODY(false, true),

	/**
	 * A body to be read whole went idle past {@code timeouts.read-idle} before the caller
	 * had any of it. Only {@link #ofBody} gives it.
	 */
	READ_IDLE_TIMEOUT(false, true),

	/** Refused locally without contacting the host (open breaker, pause, rate limit). */
	REJECTED_LOCALLY(true, false),

	/** Anything else (a certificate error, a bug): not retried. */
	OTHER(false, false);

	private static final String RESPONSE_DECODER = "io.netty.handler.codec.http.HttpObjectDecoder";

	private final boolean neverReachedServer;

	private final boolean upstreamFault;

	FailureKind(boolean neverReachedServer, boolean upstreamFault) {
		this.neverReachedServer = neverReachedServer;
		this.upstreamFault = upstreamFault;
	}

	/**
	 * Whether the request provably never reached the server, so that even a POST may be
	 * sent again.
	 * @return whether it never reached the server
	 */
	public boolean neverReachedServer() {
		return this.neverReachedServer;
	}

	/**
	 * Whether the failure says something about the upstream's health, so that the circuit
	 * breaker counts it.
	 * @return whether the breaker counts it
	 */
	public boolean upstreamFault() {
		return this.upstreamFault;
	}

	/**
	 * Whether an attempt failing this way may be retried at all.
	 * @return whether retryable
	 */
	public boolean retryable() {
		return this != OTHER && this != REJECTED_LOCALLY;
	}

	/**
	 * Classify an error, looking through the wrappers Spring and Netty put around it.
	 * @param error the error of an attempt
	 * @return its kind
	 */
	public static FailureKind of(Throwable error) {
		// A cause chain can loop (A -> B -> A): visit each throwable once.
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable cause = error; cause != null && seen.add(cause); cause = cause.getCause()) {
			FailureKind kind = direct(cause);
			if (kind != null) {
				return kind;
			}
		}
		return OTHER;
	}

	/**
	 * Classify the error of a body read whole (a caller's {@code bodyToMono},
	 * {@code toEntity}), after the response headers: whether the body broke off in
	 * transit, and could be fetched again, or failed otherwise (too large, not decodable,
	 * the total timeout).
	 * @param error the error of reading the body
	 * @return {@link #RESET_DURING_BODY}, {@link #READ_IDLE_TIMEOUT} or {@link #OTHER}
	 */
	public static FailureKind ofBody(Throwable error) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable cause = error; cause != null && seen.add(cause); cause = cause.getCause()) {
			if (cause instanceof ReadIdleTimeoutException) {
				return READ_IDLE_TIMEOUT;
			}
			if (cause instanceof IOException) {
				// Closed early, reset, or a TLS record cut off.
				return RESET_DURING_BODY;
			}
		}
		return OTHER;
	}

	private static @Nullable FailureKind direct(Throwable cause) {
		if (cause instanceof CircuitOpenException || cause instanceof HostPausedException
				|| cause instanceof RateLimitExceededException) {
			return REJECTED_LOCALLY;
		}
		if (cause instanceof PoolAcquireTimeoutException) {
			return POOL_ACQUIRE_TIMEOUT;
		}
		if (cause instanceof ResponseHeadersTimeoutException) {
			return RESPONSE_HEADERS_TIMEOUT;
		}
		if (cause instanceof ConnectException || cause instanceof UnknownHostException
				|| cause instanceof UnresolvedAddressException) {
			return CONNECT;
		}
		if (cause instanceof SslHandshakeTimeoutException) {
			return TLS_HANDSHAKE_TIMEOUT;
		}
		if (cause instanceof Http2Exception http2 && http2.error() == Http2Error.REFUSED_STREAM) {
			return REFUSED_STREAM;
		}
		if (cause instanceof PrematureCloseException) {
			return RESET_BEFORE_RESPONSE;
		}
		if ((cause instanceof DecoderException || cause instanceof IllegalArgumentException)
				&& thrownByResponseDecoder(cause)) {
			return INVALID_RESPONSE;
		}
		if (cause instanceof IOException && !(cause instanceof javax.net.ssl.SSLException)) {
			// Connection reset by peer, broken pipe: the exchange died in flight.
			return RESET_BEFORE_RESPONSE;
		}
		return null;
	}

	/**
	 * Whether Netty's HTTP decoder threw the error, reading what came back: Reactor Netty
	 * hands on the decoder's own error (an {@code IllegalArgumentException} for a status
	 * line that is not one), the same types as errors of a bad request or of TLS.
	 */
	private static boolean thrownByResponseDecoder(Throwable error) {
		for (StackTraceElement frame : error.getStackTrace()) {
			if (frame.getClassName().startsWith(RESPONSE_DECODER)) {
				return true;
			}
		}
		return false;
	}

}
