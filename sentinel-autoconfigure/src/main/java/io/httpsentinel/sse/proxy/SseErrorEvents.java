package io.httpsentinel.sse.proxy;

import io.httpsentinel.SentinelTimeoutException;
import io.httpsentinel.client.pool.ReadIdleTimeoutException;
import io.httpsentinel.resilience.CircuitOpenException;
import io.httpsentinel.resilience.FailureKind;
import io.httpsentinel.resilience.HostPausedException;
import io.httpsentinel.resilience.RateLimitExceededException;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseLimitExceededException;
import io.httpsentinel.sse.SseResponseException;

/**
 * The in-band error event {@link SseProxy} sends when an upstream fails after the
 * downstream response was committed, just before it ends the stream: <pre class="code">
 * event: error
 * data: {"error":"upstream-disconnected"}
 * </pre> The {@code error} value is one of {@value #UPSTREAM_DISCONNECTED},
 * {@value #UPSTREAM_TIMEOUT}, {@value #UPSTREAM_UNAVAILABLE}, {@value #UPSTREAM_REFUSED},
 * {@value #EVENT_TOO_LARGE} or {@value #PROXY_ERROR}; the upstream's own messages are not
 * passed on, since they may reveal its internals. A browser's {@code EventSource}
 * delivers the event to {@code addEventListener("error", ...)} as a {@code MessageEvent}
 * (with {@code data}), next to its own connection errors (without).
 */
public final class SseErrorEvents {

	/** Event type of the error event. */
	public static final String TYPE = "error";

	/** The upstream connection broke off (reset, closed early) or could not be made. */
	public static final String UPSTREAM_DISCONNECTED = "upstream-disconnected";

	/** The upstream went silent for {@code timeouts.read-idle}, or a timeout ran out. */
	public static final String UPSTREAM_TIMEOUT = "upstream-timeout";

	/** A resume was held back: open circuit breaker, host pause or rate limit. */
	public static final String UPSTREAM_UNAVAILABLE = "upstream-unavailable";

	/** A resume was answered with an error status or not with an event stream. */
	public static final String UPSTREAM_REFUSED = "upstream-refused";

	/**
	 * The upstream sent a line or event over
	 * {@code sse.max-line-size}/{@code max-event-size}.
	 */
	public static final String EVENT_TOO_LARGE = "event-too-large";

	/** A hook failed, or something else went wrong in the proxy. */
	public static final String PROXY_ERROR = "proxy-error";

	private SseErrorEvents() {
	}

	/**
	 * The standard error event for a failure.
	 * @param error the failure that ended the stream
	 * @return the event
	 */
	public static SseEvent standard(Throwable error) {
		return SseEvent.builder().type(TYPE).data("{\"error\":\"" + reason(error) + "\"}").build();
	}

	/**
	 * The reason code for a failure, as the standard event carries it.
	 * @param error the failure
	 * @return the code
	 */
	public static String reason(Throwable error) {
		if (error instanceof SseLimitExceededException) {
			return EVENT_TOO_LARGE;
		}
		if (error instanceof HookFailedException) {
			return PROXY_ERROR;
		}
		if (error instanceof ReadIdleTimeoutException || error instanceof SentinelTimeoutException) {
			return UPSTREAM_TIMEOUT;
		}
		if (error instanceof SseResponseException) {
			return UPSTREAM_REFUSED;
		}
		if (error instanceof CircuitOpenException || error instanceof HostPausedException
				|| error instanceof RateLimitExceededException) {
			return UPSTREAM_UNAVAILABLE;
		}
		return (FailureKind.of(error) != FailureKind.OTHER) ? UPSTREAM_DISCONNECTED : PROXY_ERROR;
	}

}
