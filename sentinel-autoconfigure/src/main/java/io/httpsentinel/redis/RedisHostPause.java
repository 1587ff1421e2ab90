package io.httpsentinel.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.Internal;
import io.httpsentinel.resilience.HostPauseView;

/**
 * A client's host pause shared by every replica: a pause (or a resume) taken here is
 * applied to this replica's own gate at once and sent to the others through Redis, and a
 * pause another replica takes reaches this one's gate. Callers only ever read the local
 * gate, so the request path never waits for Redis. Created by
 * {@link RedisPauseChannel#register}.
 */
@Internal
public final class RedisHostPause implements HostPauseView, AutoCloseable {

	private final String quotaKey;

	private final String key;

	private final HostPauseView local;

	private final Duration timeout;

	private final RedisPauseChannel channel;

	/**
	 * Whether a resume taken here has not reached Redis yet: without it, the next refresh
	 * would read the stored pause and undo the resume.
	 */
	private final AtomicBoolean resumePending = new AtomicBoolean();

	RedisHostPause(String quotaKey, String key, HostPauseView local, Duration timeout, RedisPauseChannel channel) {
		this.quotaKey = quotaKey;
		this.key = key;
		this.local = local;
		this.timeout = timeout;
		this.channel = channel;
	}

	/**
	 * End of the current pause, from this replica's gate: never a Redis call.
	 */
	@Override
	public Optional<Instant> pausedUntil() {
		return this.local.pausedUntil();
	}

	/**
	 * Pause this replica now and the others as soon as Redis passes it on; returns
	 * without waiting for Redis.
	 */
	@Override
	public void pauseUntil(Instant until) {
		this.local.pauseUntil(until);
		this.resumePending.set(false);
		this.channel.store(this, until);
	}

	/**
	 * Resume this replica now and the others as soon as Redis passes it on; returns
	 * without waiting for Redis.
	 */
	@Override
	public void resume() {
		this.local.resume();
		this.resumePending.set(true);
		this.channel.remove(this);
	}

	/**
	 * Stop sharing: this replica no longer hears of the other replicas' pauses.
	 */
	@Override
	public void close() {
		this.channel.unregister(this);
	}

	String quotaKey() {
		return this.quotaKey;
	}

	String key() {
		return this.key;
	}

	Duration timeout() {
		return this.timeout;
	}

	void removed() {
		this.resumePending.set(false);
	}

	/**
	 * Another replica paused the host (or this one, whose own message comes back).
	 */
	void peerPaused(Instant until) {
		this.local.pauseUntil(until);
	}

	void peerResumed() {
		this.local.resume();
	}

	/**
	 * Catch up with Redis after messages may have been missed (at registration, after the
	 * subscription came back, and periodically): first send a resume Redis did not get,
	 * then read the stored state.
	 */
	void refresh() {
		if (this.resumePending.get()) {
			this.channel.remove(this);
		}
		this.channel.read(this);
	}

	/**
	 * Apply what Redis holds.
	 * @param stored end of the stored pause, or {@code null} when none is stored
	 * @param resumed whether the stored pause was lifted (a resume we may have missed)
	 */
	void read(@Nullable Instant stored, boolean resumed) {
		if (stored != null) {
			this.local.pauseUntil(stored);
		}
		else if (resumed) {
			if (!this.resumePending.get()) {
				this.local.resume();
			}
		}
		else {
			// Nothing stored while this replica holds a pause: Redis did not answer when
			// it
			// was taken, or lost it in a restart. Share it now.
			this.local.pausedUntil().ifPresent((until) -> this.channel.store(this, until));
		}
	}

	@Override
	public String toString() {
		return "RedisHostPause[" + this.quotaKey + "]";
	}

}
