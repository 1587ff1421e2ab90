/**
 * Forwarding Server-Sent Event streams: {@link io.httpsentinel.sse.proxy.SseProxy}, the
 * state machine of one forwarded stream and its WebFlux and MVC writers.
 */
@NullMarked
package io.httpsentinel.sse.proxy;

import org.jspecify.annotations.NullMarked;
