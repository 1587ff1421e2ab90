package io.httpsentinel.resilience;

import java.time.Duration;

import io.github.bucket4j.TimeMeter;

/**
 * A Bucket4j time source that only moves when a test moves it.
 */
final class ManualTimeMeter implements TimeMeter {

	private long nanos;

	void advance(Duration duration) {
		this.nanos += duration.toNanos();
	}

	@Override
	public long currentTimeNanos() {
		return this.nanos;
	}

	@Override
	public boolean isWallClockBased() {
		return false;
	}

}
