package io.httpsentinel.sse;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.Internal;
import io.httpsentinel.resilience.FailureKind;

/**
 * Decides, each time an event stream's connection ends, whether to connect again and
 * after how long, as an {@code EventSource} would; shared by the reconnecting reader
 * ({@code sse.reconnect.*}) and the proxy's resume ({@code sse.resume.*}). A streak is
 * the connections that end in a row without a healthy one between them:
 * <ul>
 * <li>the delay is the server's {@code retry:} time (or the initial delay), doubled per
 * reconnect of the streak up to the maximum delay (a server's {@code retry:} above it is
 * still honoured), then stretched by up to 20% so that clients fall out of step;</li>
 * <li>the streak gives up after the most reconnects allowed; a reconnect the client
 * refused before sending it ({@link #nextDelay(Duration, Throwable)}) waits like the
 * others but is not one of them;</li>
 * <li>and when the next delay would end past the time budget, counted from the first end
 * of the streak: a reconnect that cannot happen in time is pointless;</li>
 * <li>a new streak starts after {@link #reset()}, or after a connection that stayed open
 * for the reset time.</li>
 * </ul>
 * Reads the time only from its time source. Not thread-safe: one stream's reconnects
 * happen one after the other.
 */
@Internal
public final class ReconnectStreak {

	/** Delays are stretched by up to this fraction. */
	private static final double JITTER = 0.2;

	/** Doublings beyond this many change nothing (and would overflow). */
	private static final int MAX_DOUBLINGS = 20;

	private final long initialDelayMillis;

	private final long maxDelayMillis;

	private final int maxAttempts;

	private final long maxElapsedNanos;

	private final long resetAfterNanos;

	private final LongSupplier nanoTime;

	private final DoubleSupplier random;

	// Reconnects scheduled in this streak: the delay doubles with each.
	private int scheduled;

	// Of those, the ones refused before they were sent: not counted against the limit.
	private int refused;

	private boolean inStreak;

	private long startedAt;

	// Written when a connection opens, read when it ends: maybe on another thread.
	private volatile boolean connected;

	private volatile long connectedAt;

	ReconnectStreak(Duration initialDelay, Duration maxDelay, int maxAttempts, Duration maxElapsed,
			@Nullable Duration resetAfter, LongSupplier nanoTime, DoubleSupplier random) {
		this.initialDelayMillis = initialDelay.toMillis();
		this.maxDelayMillis = maxDelay.toMillis();
		this.maxAttempts = maxAttempts;
		this.maxElapsedNanos = maxElapsed.toNanos();
		this.resetAfterNanos = (resetAfter != null) ? resetAfter.toNanos() : Long.MAX_VALUE;
		this.nanoTime = nanoTime;
		this.random = random;
	}

	/**
	 * The streak of a reader's reconnects: a connection open for
	 * {@link SseReconnectSettings#resetAfter()} ends it.
	 * @param settings resolved settings
	 * @param nanoTime the time source, in nanoseconds
	 * @return a new streak
	 */
	public static ReconnectStreak of(SseReconnectSettings settings, LongSupplier nanoTime) {
		return new ReconnectStreak(required(settings.initialDelay()), required(settings.maxDelay()),
				required(settings.maxAttempts()), required(settings.maxElapsed()), required(settings.resetAfter()),
				nanoTime, ReconnectStreak::jitterFraction);
	}

	/**
	 * The streak of a forwarded stream's resumes: only {@link #reset()} ends it (the
	 * stream calls it on a new event).
	 * @param settings resolved settings
	 * @param nanoTime the time source, in nanoseconds
	 * @return a new streak
	 */
	public static ReconnectStreak of(SseResumeSettings settings, LongSupplier nanoTime) {
		return new ReconnectStreak(required(settings.initialDelay()), required(settings.maxDelay()),
				required(settings.maxAttempts()), required(settings.maxElapsed()), null, nanoTime,
				ReconnectStreak::jitterFraction);
	}

	/**
	 * A connection opened (its response headers arrived).
	 */
	public void connected() {
		this.connectedAt = this.nanoTime.getAsLong();
		this.connected = true;
	}

	/**
	 * The connection was healthy: the streak is over, the next one starts from the
	 * initial delay with every limit untouched.
	 */
	public void reset() {
		this.scheduled = 0;
		this.refused = 0;
		this.inStreak = false;
	}

	/**
	 * A connection or reconnect failed: the delay before connecting again, or
	 * {@code null} to give up. A reconnect the client refused before sending it (an open
	 * circuit breaker, a paused host, a rate limit) reached no server, so it is not one
	 * of the reconnects allowed; the delay still doubles, so that the tries thin out, and
	 * the time budget still holds.
	 * @param serverRetry the server's {@code retry:} time, or {@code null}
	 * @param failure the error it failed with
	 * @return the delay, or {@code null} when the streak is over its limits
	 */
	public @Nullable Duration nextDelay(@Nullable Duration serverRetry, Throwable failure) {
		// Only a reconnect of this streak gives its place back (not a first connection).
		if (FailureKind.of(failure) == FailureKind.REJECTED_LOCALLY && this.refused < this.scheduled) {
			this.refused++;
		}
		return nextDelay(serverRetry);
	}

	/**
	 * The connection ended: the delay before connecting again, or {@code null} to give
	 * up. A delay counts as one reconnect of the streak.
	 * @param serverRetry the server's {@code retry:} time, or {@code null}
	 * @return the delay, or {@code null} when the streak is over its limits
	 */
	public @Nullable Duration nextDelay(@Nullable Duration serverRetry) {
		long now = this.nanoTime.getAsLong();
		if (this.connected) {
			this.connected = false;
			if (now - this.connectedAt >= this.resetAfterNanos) {
				reset();
			}
		}
		if (!this.inStreak) {
			this.inStreak = true;
			this.startedAt = now;
		}
		// The application does not allow another reconnect (a refused one was not sent).
		if (this.maxAttempts >= 0 && this.scheduled - this.refused >= this.maxAttempts) {
			return null;
		}
		Duration delay = delay(serverRetry);
		// The reconnect would happen after the time budget.
		if (this.maxElapsedNanos != 0 && now + delay.toNanos() - this.startedAt > this.maxElapsedNanos) {
			return null;
		}
		this.scheduled++;
		return delay;
	}

	private Duration delay(@Nullable Duration serverRetry) {
		long baseMillis = (serverRetry != null) ? serverRetry.toMillis() : this.initialDelayMillis;
		long grown = baseMillis << Math.min(this.scheduled, MAX_DOUBLINGS);
		long capped = Math.max(baseMillis, Math.min(grown, this.maxDelayMillis));
		long jitter = (long) (capped * JITTER * this.random.getAsDouble());
		return Duration.ofMillis(capped + jitter);
	}

	private static double jitterFraction() {
		return ThreadLocalRandom.current().nextDouble();
	}

	private static <T> T required(@Nullable T value) {
		if (value == null) {
			throw new IllegalArgumentException("Reconnect settings must be resolved (no null component)");
		}
		return value;
	}

}
