package io.httpsentinel.resilience;

import java.time.Instant;
import java.util.Optional;

/**
 * A client's host pause, as its users see it: while the host asked for a long pause (a
 * 429 or 503 with a {@code Retry-After} longer than {@code retry.max-retry-after}), every
 * call fails at once with {@link HostPausedException} instead of spending a request.
 */
public interface HostPauseView {

	/**
	 * End of the current pause.
	 * @return when the pause ends, or empty when the host is not paused
	 */
	Optional<Instant> pausedUntil();

	/**
	 * Pause the host until the given instant (for operators who know of an outage); an
	 * earlier end never shortens a pause.
	 * @param until end of the pause
	 */
	void pauseUntil(Instant until);

	/**
	 * Lift the pause now (for operators who know better).
	 */
	void resume();

}
