package io.httpsentinel.sse;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * How {@code SseProxy} forwards a client's SSE streams to downstream clients. Every
 * component may be {@code null}, meaning "inherit".
 *
 * @param heartbeat a comment line is sent downstream after this much silence, so that
 * proxies and load balancers keep the connection open; {@code 0} for none
 * @param bufferSize most bytes a stream holds for its downstream client (received from
 * the upstream, not yet written to the client's connection)
 * @param slowClientPolicy what happens when the buffer is full
 * @param slowClientTimeout with {@link SlowClientPolicy#BACKPRESSURE}, how long the
 * buffer may stay full without the client reading anything before the client is dropped
 * @param maxStreams most streams of this client forwarded at the same time; {@code -1}
 * for no limit of its own
 * @param resume resuming the upstream after a failure
 */
public record SseProxySettings(@Nullable Duration heartbeat, @Nullable DataSize bufferSize,
		@Nullable SlowClientPolicy slowClientPolicy, @Nullable Duration slowClientTimeout, @Nullable Integer maxStreams,
		SseResumeSettings resume) {

	/**
	 * Settings that inherit everything.
	 */
	public static final SseProxySettings INHERIT = new SseProxySettings(null, null, null, null, null,
			SseResumeSettings.INHERIT);

	/**
	 * Built-in defaults: a heartbeat after 15s of silence, a 256KB buffer, backpressure
	 * for up to 30s, no per-client stream limit, and the default (off)
	 * {@link SseResumeSettings resume}.
	 */
	public static final SseProxySettings DEFAULTS = builder().heartbeat(Duration.ofSeconds(15))
		.bufferSize(DataSize.ofKilobytes(256))
		.slowClientPolicy(SlowClientPolicy.BACKPRESSURE)
		.slowClientTimeout(Duration.ofSeconds(30))
		.maxStreams(-1)
		.resume(SseResumeSettings.DEFAULTS)
		.build();

	public SseProxySettings {
		SettingChecks.notNegative("sse.heartbeat", heartbeat);
		SettingChecks.positive("sse.buffer-size", bufferSize);
		if (bufferSize != null && bufferSize.toBytes() > Integer.MAX_VALUE) {
			throw new InvalidSettingException("sse.buffer-size", bufferSize, "must be less than 2GB");
		}
		SettingChecks.positive("sse.slow-client-timeout", slowClientTimeout);
		if (maxStreams != null && (maxStreams == 0 || maxStreams < -1)) {
			throw new InvalidSettingException("sse.max-streams", maxStreams, "must be -1 (no limit) or at least 1");
		}
	}

	/**
	 * Return settings where every {@code null} component is taken from {@code other}.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public SseProxySettings orElse(SseProxySettings other) {
		return new SseProxySettings(SettingChecks.pick(this.heartbeat, other.heartbeat),
				SettingChecks.pick(this.bufferSize, other.bufferSize),
				SettingChecks.pick(this.slowClientPolicy, other.slowClientPolicy),
				SettingChecks.pick(this.slowClientTimeout, other.slowClientTimeout),
				SettingChecks.pick(this.maxStreams, other.maxStreams), this.resume.orElse(other.resume));
	}

	/**
	 * Check the rules that span several settings. Call on resolved settings.
	 * @throws InvalidSettingException naming the offending key
	 */
	public void checkConsistent() {
		this.resume.checkConsistent();
	}

	public SseProxySettings withHeartbeat(@Nullable Duration heartbeat) {
		return toBuilder().heartbeat(heartbeat).build();
	}

	public SseProxySettings withSlowClient(@Nullable DataSize bufferSize, @Nullable SlowClientPolicy policy,
			@Nullable Duration timeout) {
		return toBuilder().bufferSize(bufferSize).slowClientPolicy(policy).slowClientTimeout(timeout).build();
	}

	public SseProxySettings withMaxStreams(@Nullable Integer maxStreams) {
		return toBuilder().maxStreams(maxStreams).build();
	}

	public SseProxySettings withResume(SseResumeSettings resume) {
		return toBuilder().resume(resume).build();
	}

	/**
	 * Start building settings by name, from settings that inherit everything.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder(INHERIT);
	}

	private Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * Builds {@link SseProxySettings} by name; each method sets the component of the same
	 * name.
	 */
	public static final class Builder {

		private @Nullable Duration heartbeat;

		private @Nullable DataSize bufferSize;

		private @Nullable SlowClientPolicy slowClientPolicy;

		private @Nullable Duration slowClientTimeout;

		private @Nullable Integer maxStreams;

		private SseResumeSettings resume;

		private Builder(SseProxySettings from) {
			this.heartbeat = from.heartbeat;
			this.bufferSize = from.bufferSize;
			this.slowClientPolicy = from.slowClientPolicy;
			this.slowClientTimeout = from.slowClientTimeout;
			this.maxStreams = from.maxStreams;
			this.resume = from.resume;
		}

		public Builder heartbeat(@Nullable Duration heartbeat) {
			this.heartbeat = heartbeat;
			return this;
		}

		public Builder bufferSize(@Nullable DataSize bufferSize) {
			this.bufferSize = bufferSize;
			return this;
		}

		public Builder slowClientPolicy(@Nullable SlowClientPolicy slowClientPolicy) {
			this.slowClientPolicy = slowClientPolicy;
			return this;
		}

		public Builder slowClientTimeout(@Nullable Duration slowClientTimeout) {
			this.slowClientTimeout = slowClientTimeout;
			return this;
		}

		public Builder maxStreams(@Nullable Integer maxStreams) {
			this.maxStreams = maxStreams;
			return this;
		}

		public Builder resume(SseResumeSettings resume) {
			this.resume = resume;
			return this;
		}

		public SseProxySettings build() {
			return new SseProxySettings(this.heartbeat, this.bufferSize, this.slowClientPolicy, this.slowClientTimeout,
					this.maxStreams, this.resume);
		}

	}

}
