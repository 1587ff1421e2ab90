/**
 * Reading Server-Sent Events: a spec-exact incremental event-stream parser, the event
 * model, a safe event writer, the relay that re-emits a parsed stream, a reconnecting
 * reader, and the per-client SSE settings.
 */
@NullMarked
package io.httpsentinel.sse;

import org.jspecify.annotations.NullMarked;
