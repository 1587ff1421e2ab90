package io.httpsentinel.resilience;

import java.time.Instant;
import java.util.List;

/**
 * Told when a client's backends change: for meters and logs. Called on the thread that
 * saw the change (a request's, or discovery's); implementations must be quick and must
 * not throw.
 */
public interface BackendListener {

	/**
	 * The set of backends changed (at start, and when discovery finds another set).
	 * @param addresses the backends now, {@code scheme://host:port}
	 */
	default void backendsChanged(List<String> addresses) {
	}

	/**
	 * A backend was ejected.
	 * @param address the backend
	 * @param until when it comes back
	 * @param timesEjected its ejection multiplier now
	 */
	default void ejected(String address, Instant until, int timesEjected) {
	}

	/**
	 * An ejected backend came back into the choice.
	 * @param address the backend
	 */
	default void returned(String address) {
	}

}
