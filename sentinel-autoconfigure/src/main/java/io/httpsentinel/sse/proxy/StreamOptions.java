package io.httpsentinel.sse.proxy;

import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.sse.EventHooks;
import io.httpsentinel.sse.SlowClientPolicy;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseLimits;
import io.httpsentinel.sse.SseResumeSettings;

/**
 * Everything one forwarded stream needs to know, resolved from the call and the client's
 * settings; its web client is the client's, guarded ({@link GuardedWebClients}).
 */
record StreamOptions(SentinelClient client, WebClient webClient,
		Function<WebClient, WebClient.RequestHeadersSpec<?>> request, EventHooks hooks, long heartbeatNanos,
		long bufferSize, SlowClientPolicy slowClientPolicy, long slowClientTimeoutNanos, int maxStreams, boolean resume,
		SseResumeSettings resumeSettings, Function<? super Throwable, ? extends @Nullable SseEvent> errorEvent,
		List<String> forwardHeaders, SseLimits limits) {

}
