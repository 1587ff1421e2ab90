package io.httpsentinel.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Delays and limits of reconnects in a row, the keys that 'sse.reconnect' and
 * 'sse.resume' share (see {@link io.httpsentinel.sse.ReconnectPolicySettings}). What ends
 * a run of reconnects, and so where a healthy connection starts, is up to each group.
 */
public class ReconnectPolicyProperties {

	/**
	 * Delay before the first reconnect, unless the server sent a 'retry:' field, whose
	 * value then takes its place. Doubles on failed reconnects in a row.
	 */
	private @Nullable Duration initialDelay;

	/**
	 * Cap of the delay as it doubles over failed reconnects in a row. A server's 'retry:'
	 * above it is still honoured.
	 */
	private @Nullable Duration maxDelay;

	/**
	 * Most reconnects in a row before giving up. A run of reconnects ends with a
	 * connection that stayed open 'reset-after' ('reconnect') or that delivered a new
	 * event ('resume'). A reconnect the client refuses without sending it (open circuit
	 * breaker, paused host, rate limit) is not counted: the stream waits it out, within
	 * 'max-elapsed'. -1 for no limit.
	 */
	private @Nullable Integer maxAttempts;

	/**
	 * Longest time spent reconnecting in a row, counted from the end of the connection
	 * that started the run, waits for an open circuit breaker included: a reconnect whose
	 * delay would end past it is not made, and the stream ends as with 'max-attempts'. 0
	 * for no limit.
	 */
	private @Nullable Duration maxElapsed;

	public @Nullable Duration getInitialDelay() {
		return this.initialDelay;
	}

	public void setInitialDelay(@Nullable Duration initialDelay) {
		this.initialDelay = initialDelay;
	}

	public @Nullable Duration getMaxDelay() {
		return this.maxDelay;
	}

	public void setMaxDelay(@Nullable Duration maxDelay) {
		this.maxDelay = maxDelay;
	}

	public @Nullable Integer getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(@Nullable Integer maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public @Nullable Duration getMaxElapsed() {
		return this.maxElapsed;
	}

	public void setMaxElapsed(@Nullable Duration maxElapsed) {
		this.maxElapsed = maxElapsed;
	}

}
