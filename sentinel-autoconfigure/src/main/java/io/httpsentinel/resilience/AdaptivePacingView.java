package io.httpsentinel.resilience;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What adaptive pacing ({@code rate-limit.adaptive}) knows and did, for monitoring: the
 * provider's quota as the latest response stated it, the share of it this replica paces
 * by, and the requests it held back or refused. Read from memory only.
 */
public interface AdaptivePacingView {

	/**
	 * The share of the provider's quota this replica paces by: 1 while it is alone on its
	 * quota (or its replicas share one schedule in Redis), less once a 429 showed that
	 * others spend the same quota.
	 * @return more than 0, at most 1
	 */
	double share();

	/**
	 * Whether the replicas take their slots from one schedule in Redis
	 * ({@code rate-limit.store: redis}).
	 * @return {@code true} for a shared schedule
	 */
	boolean sharedSchedule();

	/**
	 * The requests left as the latest response stated them, less those sent since.
	 * @return the count, or empty while no response stated the quota or once its reset
	 * passed
	 */
	OptionalLong remaining();

	/**
	 * When the provider said its quota is back.
	 * @return the reset, or empty as for {@link #remaining()}
	 */
	Optional<Instant> reset();

	/**
	 * Requests made to wait for a slot so far.
	 * @return the count
	 */
	long pacedRequests();

	/**
	 * Requests refused so far because their slot lay further than
	 * {@code rate-limit.max-wait}.
	 * @return the count
	 */
	long refusedRequests();

}
