package io.httpsentinel.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.sse.SlowClientPolicy;

/**
 * Server-Sent Event streams read with SentinelClient.sse: parser limits and reconnection;
 * and streams forwarded with SseProxy: heartbeats, buffer, slow clients, limits, resume.
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

	/**
	 * Silence after which SseProxy sends a comment line to the downstream client, so that
	 * proxies and load balancers keep the connection open. 0 for none.
	 */
	private @Nullable Duration heartbeat;

	/**
	 * Most bytes a forwarded stream holds for its downstream client: received from the
	 * upstream and not yet written to the client's connection. When it is full,
	 * 'slow-client-policy' applies.
	 */
	private @Nullable DataSize bufferSize;

	/**
	 * What a forwarded stream does when its buffer is full: 'backpressure' stops reading
	 * the upstream (TCP flow control slows it down) and drops the client after
	 * 'slow-client-timeout' without progress; 'drop' drops the client at once.
	 */
	private @Nullable SlowClientPolicy slowClientPolicy;

	/**
	 * How long a forwarded stream's buffer may stay full, with the client reading
	 * nothing, before the client is dropped (policy 'backpressure'). In Spring MVC, also
	 * the longest one blocking write to the client may hold its thread.
	 */
	private @Nullable Duration slowClientTimeout;

	/**
	 * Most streams of this client that SseProxy forwards at the same time; more are
	 * answered with 503 and Retry-After without contacting the upstream. -1 for no limit
	 * of the client's own ('sentinel.sse.max-streams' still applies).
	 */
	private @Nullable Integer maxStreams;

	@NestedConfigurationProperty
	private final Resume resume = new Resume();

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

	public @Nullable Duration getHeartbeat() {
		return this.heartbeat;
	}

	public void setHeartbeat(@Nullable Duration heartbeat) {
		this.heartbeat = heartbeat;
	}

	public @Nullable DataSize getBufferSize() {
		return this.bufferSize;
	}

	public void setBufferSize(@Nullable DataSize bufferSize) {
		this.bufferSize = bufferSize;
	}

	public @Nullable SlowClientPolicy getSlowClientPolicy() {
		return this.slowClientPolicy;
	}

	public void setSlowClientPolicy(@Nullable SlowClientPolicy slowClientPolicy) {
		this.slowClientPolicy = slowClientPolicy;
	}

	public @Nullable Duration getSlowClientTimeout() {
		return this.slowClientTimeout;
	}

	public void setSlowClientTimeout(@Nullable Duration slowClientTimeout) {
		this.slowClientTimeout = slowClientTimeout;
	}

	public @Nullable Integer getMaxStreams() {
		return this.maxStreams;
	}

	public void setMaxStreams(@Nullable Integer maxStreams) {
		this.maxStreams = maxStreams;
	}

	public Resume getResume() {
		return this.resume;
	}

	/**
	 * Reconnection after a stream ends or breaks: with Last-Event-ID, after the server's
	 * 'retry:' or the initial delay, doubling on failures in a row. A connection is
	 * healthy when it stayed open 'reset-after'; when the limits are reached, the stream
	 * fails with the last error (or completes, if the last connection ended cleanly).
	 */
	public static class Reconnect extends ReconnectPolicyProperties {

		/**
		 * Whether streams reconnect after the connection ends or breaks. A call may opt
		 * out (SseOptions.noReconnect()), as POST-based LLM streams usually should.
		 */
		private @Nullable Boolean enabled;

		/**
		 * How long a connection must stay open to count as healthy: the next reconnect
		 * then starts again from the base delay and the limits below start afresh.
		 */
		private @Nullable Duration resetAfter;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Duration getResetAfter() {
			return this.resetAfter;
		}

		public void setResetAfter(@Nullable Duration resetAfter) {
			this.resetAfter = resetAfter;
		}

	}

	/**
	 * Resuming a forwarded stream's upstream after it failed, while the downstream client
	 * stays connected: SseProxy reconnects with Last-Event-ID and skips the events the
	 * upstream sends again. Needs an id on every event. A connection is healthy when it
	 * delivered a new event; when the limits are reached, the stream ends with the error
	 * event.
	 */
	public static class Resume extends ReconnectPolicyProperties {

		/**
		 * Whether SseProxy resumes a failed upstream stream. Off by default: POST-based
		 * LLM streams cannot be resumed. A call may opt in or out.
		 */
		private @Nullable Boolean enabled;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

	}

}
