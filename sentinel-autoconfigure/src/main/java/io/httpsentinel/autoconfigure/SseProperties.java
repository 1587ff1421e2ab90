package io.httpsentinel.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Server-Sent Event streams read with SentinelClient.sse: parser limits and reconnection.
 */
public class SseProperties {

	/**
	 * Longest line of an event stream. A longer one fails the stream with
	 * SseLimitExceededException instead of growing a buffer without bound.
	 */
	private @Nullable DataSize maxLineSize;

	/**
	 * Largest event (all its lines). A larger one fails the stream with
	 * SseLimitExceededException.
	 */
	private @Nullable DataSize maxEventSize;

	@NestedConfigurationProperty
	private final Reconnect reconnect = new Reconnect();

	public @Nullable DataSize getMaxLineSize() {
		return this.maxLineSize;
	}

	public void setMaxLineSize(@Nullable DataSize maxLineSize) {
		this.maxLineSize = maxLineSize;
	}

	public @Nullable DataSize getMaxEventSize() {
		return this.maxEventSize;
	}

	public void setMaxEventSize(@Nullable DataSize maxEventSize) {
		this.maxEventSize = maxEventSize;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	/**
	 * Reconnection after a stream ends or breaks: with Last-Event-ID, after the server's
	 * 'retry:' or the initial delay, doubling on failures in a row.
	 */
	public static class Reconnect {

		/**
		 * Whether streams reconnect after the connection ends or breaks. A call may opt
		 * out (SseOptions.noReconnect()), as POST-based LLM streams usually should.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Delay before reconnecting, unless the server sent a 'retry:' field, whose value
		 * then takes its place.
		 */
		private @Nullable Duration initialDelay;

		/**
		 * Cap of the delay as it doubles over failed reconnects in a row. A server's
		 * 'retry:' above it is still honoured.
		 */
		private @Nullable Duration maxDelay;

		/**
		 * How long a connection must stay open to count as healthy: the next reconnect
		 * then starts again from the base delay and the limits below start afresh.
		 */
		private @Nullable Duration resetAfter;

		/**
		 * Most reconnects in a row without a healthy connection before the stream fails
		 * with the last error (or completes, if the last connection ended cleanly). -1
		 * for no limit.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * Longest time spent reconnecting in a row, from the end of the last healthy
		 * connection: a reconnect whose delay would end past it is not made, and the
		 * stream ends as with 'max-attempts'. 0 for no limit.
		 */
		private @Nullable Duration maxElapsed;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

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

		public @Nullable Duration getResetAfter() {
			return this.resetAfter;
		}

		public void setResetAfter(@Nullable Duration resetAfter) {
			this.resetAfter = resetAfter;
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

}
