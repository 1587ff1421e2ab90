package io.httpsentinel.resilience;

import java.time.Clock;

/**
 * A client's own host pause gate, for tests outside this package of what decorates it
 * (the shared pause through Redis).
 */
public final class HostPauseGates {

	private HostPauseGates() {
	}

	public static HostPauseView local(Clock clock) {
		return new HostPauseGate(clock);
	}

}
