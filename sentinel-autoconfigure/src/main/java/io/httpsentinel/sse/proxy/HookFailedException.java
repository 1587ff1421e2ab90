package io.httpsentinel.sse.proxy;

/**
 * A hook of a forwarded stream threw, or produced an event that cannot be framed: the
 * stream ends with the error event {@value SseErrorEvents#PROXY_ERROR}.
 */
final class HookFailedException extends RuntimeException {

	HookFailedException(RuntimeException cause) {
		super("SSE proxy hook failed: " + cause, cause);
	}

}
