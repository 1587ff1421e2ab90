/**
 * Micrometer binding of the clients: {@code sentinel.client.*} meters, the connection
 * pool meters, and the {@code client} key of the HTTP client observation. Loaded only
 * when Micrometer is present; the figures themselves are counted by the clients
 * ({@code SentinelClient.metrics()}), with or without Micrometer.
 */
@NullMarked
package io.httpsentinel.metrics;

import org.jspecify.annotations.NullMarked;
