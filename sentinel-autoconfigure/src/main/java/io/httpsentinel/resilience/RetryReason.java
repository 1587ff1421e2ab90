package io.httpsentinel.resilience;

import java.util.Locale;

/**
 * Why a retry happened, grouped into a small fixed set so that it can tag a metric
 * without growing it: the reasons of {@link RetryDecision} name every status code and
 * failure kind, which is right for a log line but not for a meter.
 */
public enum RetryReason {

	/** A retryable status without {@code Retry-After} ({@code status-503}, ...). */
	STATUS,

	/** A 429 or 503 with a {@code Retry-After} the pipeline waited for. */
	RETRY_AFTER,

	/**
	 * The connection could not be established: refused, timed out, unknown host, TLS
	 * handshake timeout.
	 */
	CONNECT,

	/**
	 * No response headers within {@code timeouts.response-headers}, or a body read whole
	 * idle past {@code timeouts.read-idle}.
	 */
	TIMEOUT,

	/**
	 * The connection closed or was reset before the response headers or during a body
	 * read whole, bytes that are not HTTP came back, or an HTTP/2 server refused the
	 * stream.
	 */
	RESET,

	/** No pooled connection within {@code pool.pending-acquire-timeout}. */
	POOL,

	/** A reason this version does not know. */
	OTHER;

	private final String tag = name().toLowerCase(Locale.ROOT).replace('_', '-');

	/**
	 * Group the reason of a retry decision.
	 * @param decisionReason {@link RetryDecision#reason()} of a decision to retry
	 * @return its group
	 */
	public static RetryReason of(String decisionReason) {
		if (decisionReason.startsWith("status-")) {
			return STATUS;
		}
		return switch (decisionReason) {
			case "retry-after" -> RETRY_AFTER;
			case "connect", "tls-handshake-timeout" -> CONNECT;
			case "response-headers-timeout", "read-idle-timeout" -> TIMEOUT;
			case "reset-before-response", "refused-stream", "invalid-response", "reset-during-body" -> RESET;
			case "pool-acquire-timeout" -> POOL;
			default -> OTHER;
		};
	}

	/**
	 * The reason as a metric tag value: {@code status}, {@code retry-after},
	 * {@code connect}, {@code timeout}, {@code reset}, {@code pool} or {@code other}.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}
