package io.httpsentinel.sse.proxy;

import io.httpsentinel.client.pool.ReadIdleTimeoutException;
import io.httpsentinel.resilience.FailureKind;
import io.httpsentinel.sse.SseLimitExceededException;
import io.httpsentinel.sse.SseResponseException;

/**
 * Which failures a forwarded stream resumes after.
 */
final class Resumable {

	private Resumable() {
	}

	/**
	 * Whether an open stream's upstream failed in a way worth reconnecting: its
	 * connection broke off or went silent. Not when it sent something over the limits, a
	 * hook failed, or a deliberate bound such as the total timeout ran out.
	 * @param error the failure
	 * @return whether to resume
	 */
	static boolean error(Throwable error) {
		if (error instanceof SseLimitExceededException || error instanceof HookFailedException) {
			return false;
		}
		return error instanceof ReadIdleTimeoutException || FailureKind.of(error) == FailureKind.RESET_BEFORE_RESPONSE;
	}

	/**
	 * Whether to go on reconnecting after a reconnect failed: yes for transport errors,
	 * requests held back for a while (breaker, pause, rate limit) and statuses that say
	 * "later" (408, 429, 5xx); no for a response that refuses the stream for good.
	 * @param error the failure of the reconnect
	 * @return whether to try again
	 */
	static boolean attemptError(Throwable error) {
		if (error instanceof SseResponseException refused) {
			int status = refused.status();
			return status == 408 || status == 429 || status >= 500;
		}
		if (error instanceof SseLimitExceededException || error instanceof HookFailedException) {
			return false;
		}
		return error instanceof ReadIdleTimeoutException || FailureKind.of(error) != FailureKind.OTHER;
	}

}
