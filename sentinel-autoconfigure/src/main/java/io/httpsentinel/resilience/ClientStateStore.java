package io.httpsentinel.resilience;

import io.httpsentinel.Internal;

/**
 * Where the state a client's replicas may share is kept: its rate limit and its host
 * pause. {@link #LOCAL} keeps both in this process; a shared store (Redis) decorates the
 * local parts of the clients whose {@code rate-limit.store} names it, and returns the
 * local parts of the others unchanged.
 */
@Internal
public interface ClientStateStore {

	/**
	 * Every client's state in this process.
	 */
	ClientStateStore LOCAL = new ClientStateStore() {
	};

	/**
	 * The rate limiter of a client.
	 * @param clientName the client name
	 * @param settings the client's resolved rate-limit settings
	 * @param local the in-process limiter those settings describe (unlimited when no rate
	 * is set)
	 * @return the limiter the client uses
	 */
	default RateLimiter rateLimiter(String clientName, RateLimitSettings settings, RateLimiter local) {
		return local;
	}

	/**
	 * The schedule adaptive pacing spreads a client's requests on (only asked for a
	 * client with {@code rate-limit.adaptive} on).
	 * @param clientName the client name
	 * @param settings the client's resolved rate-limit settings
	 * @param local the in-process schedule
	 * @return the schedule the client uses
	 */
	default PacingSchedule pacingSchedule(String clientName, RateLimitSettings settings, PacingSchedule local) {
		return local;
	}

	/**
	 * The host pause of a client.
	 * @param clientName the client name
	 * @param settings the client's resolved rate-limit settings
	 * @param local the in-process pause
	 * @return the pause the client uses
	 */
	default HostPauseView hostPause(String clientName, RateLimitSettings settings, HostPauseView local) {
		return local;
	}

}
