package io.httpsentinel.resilience;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;

/**
 * One attempt of a call and what the pipeline decided after it.
 *
 * @param clientName the client
 * @param method the request method
 * @param path the request path (no query: it may hold secrets)
 * @param attempt the attempt number, from 1
 * @param status the response status, or {@code null} when the attempt failed without one
 * @param error the error, or {@code null} when there was a response (both are set when
 * the body of a response read whole broke off)
 * @param decision whether and when the call is retried, and why
 */
public record AttemptEvent(String clientName, HttpMethod method, String path, int attempt, @Nullable Integer status,
		@Nullable Throwable error, RetryDecision decision) {

}
