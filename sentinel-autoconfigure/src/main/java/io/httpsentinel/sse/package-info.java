/**
 * Server-Sent Events: a spec-exact incremental event-stream parser, the event model, a
 * safe event writer, a reconnecting reader, and {@link io.httpsentinel.sse.SseProxy},
 * which forwards an upstream stream to downstream clients.
 */
@NullMarked
package io.httpsentinel.sse;

import org.jspecify.annotations.NullMarked;
