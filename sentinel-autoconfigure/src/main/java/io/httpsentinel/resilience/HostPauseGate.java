package io.httpsentinel.resilience;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds every caller of a client back while its host asked for a long pause (a 429 or 503
 * with a {@code Retry-After} longer than the client is willing to wait). Without it, each
 * caller would learn the same thing by spending a request.
 */
final class HostPauseGate implements HostPauseView {

	private final Clock clock;

	private final AtomicReference<Instant> pausedUntil = new AtomicReference<>(Instant.MIN);

	HostPauseGate(Clock clock) {
		this.clock = clock;
	}

	@Override
	public void pauseUntil(Instant until) {
		this.pausedUntil.accumulateAndGet(until, (current, next) -> next.isAfter(current) ? next : current);
	}

	@Override
	public Optional<Instant> pausedUntil() {
		Instant until = this.pausedUntil.get();
		if (until == Instant.MIN) {
			// Never paused, or resumed: no need to read the clock on every request.
			return Optional.empty();
		}
		return until.isAfter(this.clock.instant()) ? Optional.of(until) : Optional.empty();
	}

	@Override
	public void resume() {
		this.pausedUntil.set(Instant.MIN);
	}

}
