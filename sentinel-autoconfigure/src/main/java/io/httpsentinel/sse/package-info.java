/**
 * Server-Sent Events: a spec-exact incremental event-stream parser, the event model and a
 * safe event writer.
 */
@NullMarked
package io.httpsentinel.sse;

import org.jspecify.annotations.NullMarked;
