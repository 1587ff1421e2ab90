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
	 * Built-in defaults: a heartbeat after 15s of silence, a 256KB buffer, backpressure
	 * for up to 30s, no per-client stream limit, and the default (off)
	 * {@link SseResumeSettings resume}.
	 */
	public static final SseProxySettings DEFAULTS = new SseProxySettings(Duration.ofSeconds(15),
			DataSize.ofKilobytes(256), SlowClientPolicy.BACKPRESSURE, Duration.ofSeconds(30), -1,
			SseResumeSettings.DEFAULTS);

	/**
	 * Settings that inherit everything.
	 */
	public static final SseProxySettings INHERIT = new SseProxySettings(null, null, null, null, null,
			SseResumeSettings.INHERIT);

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
		return new SseProxySettings(heartbeat, this.bufferSize, this.slowClientPolicy, this.slowClientTimeout,
				this.maxStreams, this.resume);
	}

	public SseProxySettings withSlowClient(@Nullable DataSize bufferSize, @Nullable SlowClientPolicy policy,
			@Nullable Duration timeout) {
		return new SseProxySettings(this.heartbeat, bufferSize, policy, timeout, this.maxStreams, this.resume);
	}

	public SseProxySettings withMaxStreams(@Nullable Integer maxStreams) {
		return new SseProxySettings(this.heartbeat, this.bufferSize, this.slowClientPolicy, this.slowClientTimeout,
				maxStreams, this.resume);
	}

	public SseProxySettings withResume(SseResumeSettings resume) {
		return new SseProxySettings(this.heartbeat, this.bufferSize, this.slowClientPolicy, this.slowClientTimeout,
				this.maxStreams, resume);
	}

}
