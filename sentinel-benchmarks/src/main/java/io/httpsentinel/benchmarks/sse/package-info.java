/**
 * Load test of {@code SseProxy} against a raw-byte relay and a direct connection, on
 * loopback only.
 */
@NullMarked
package io.httpsentinel.benchmarks.sse;

import org.jspecify.annotations.NullMarked;
