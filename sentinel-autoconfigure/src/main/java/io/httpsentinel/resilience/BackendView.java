package io.httpsentinel.resilience;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One backend of a client, as monitoring sees it at one instant.
 *
 * @param address {@code scheme://host:port}
 * @param weight its share of the traffic relative to the others
 * @param ejected whether outlier detection took it out of the choice
 * @param ejectedUntil when its ejection ends, or {@code null} when not ejected
 * @param timesEjected the ejection multiplier: the next ejection lasts this many times
 * {@code base-ejection-time} plus one (it decays while the backend stays healthy)
 * @param ejections ejections since the client started
 * @param consecutiveFailures 5xx responses and gateway failures since its last success
 * @param requests attempts sent to it
 * @param failures attempts that failed (5xx, or no response)
 * @param pausedUntil end of the pause its {@code Retry-After} asked for, or {@code null}
 */
public record BackendView(String address, int weight, boolean ejected, @Nullable Instant ejectedUntil, int timesEjected,
		long ejections, int consecutiveFailures, long requests, long failures, @Nullable Instant pausedUntil) {

}
