package io.httpsentinel.sse;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * Settings of the SSE streams a client reads. Every component may be {@code null},
 * meaning "inherit".
 *
 * @param maxLineSize longest line of an event stream; a longer one fails the stream with
 * {@link io.httpsentinel.sse.SseLimitExceededException}
 * @param maxEventSize largest event (all its lines); a larger one fails the stream the
 * same way
 * @param reconnect how a stream reconnects
 * @param proxy how {@code SseProxy} forwards the client's streams
 */
public record SseSettings(@Nullable DataSize maxLineSize, @Nullable DataSize maxEventSize,
		SseReconnectSettings reconnect, SseProxySettings proxy) {

	/**
	 * Settings that inherit everything.
	 */
	public static final SseSettings INHERIT = new SseSettings(null, null, SseReconnectSettings.INHERIT,
			SseProxySettings.INHERIT);

	/**
	 * Built-in defaults: the parser's {@link SseLimits#DEFAULTS limits}, the default
	 * {@link SseReconnectSettings reconnection} and {@link SseProxySettings forwarding}.
	 */
	public static final SseSettings DEFAULTS = builder().maxLineSize(SseLimits.DEFAULTS.maxLineSize())
		.maxEventSize(SseLimits.DEFAULTS.maxEventSize())
		.reconnect(SseReconnectSettings.DEFAULTS)
		.proxy(SseProxySettings.DEFAULTS)
		.build();

	public SseSettings {
		SettingChecks.positive(SseLimits.MAX_LINE_SIZE_KEY, maxLineSize);
		SettingChecks.positive(SseLimits.MAX_EVENT_SIZE_KEY, maxEventSize);
	}

	/**
	 * Settings whose forwarding settings are all inherited.
	 * @param maxLineSize longest line of an event stream
	 * @param maxEventSize largest event
	 * @param reconnect how a stream reconnects
	 */
	public SseSettings(@Nullable DataSize maxLineSize, @Nullable DataSize maxEventSize,
			SseReconnectSettings reconnect) {
		this(maxLineSize, maxEventSize, reconnect, SseProxySettings.INHERIT);
	}

	/**
	 * Return settings where every {@code null} component is taken from {@code other}.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public SseSettings orElse(SseSettings other) {
		return new SseSettings(SettingChecks.pick(this.maxLineSize, other.maxLineSize),
				SettingChecks.pick(this.maxEventSize, other.maxEventSize), this.reconnect.orElse(other.reconnect),
				this.proxy.orElse(other.proxy));
	}

	/**
	 * Check the rules that span several settings. Call on resolved settings.
	 * @throws InvalidSettingException naming the offending key
	 */
	public void checkConsistent() {
		limits();
		this.reconnect.checkConsistent();
		this.proxy.checkConsistent();
	}

	/**
	 * The parser limits. Call on resolved settings.
	 * @return the limits
	 */
	public SseLimits limits() {
		return new SseLimits(SettingChecks.required(SseLimits.MAX_LINE_SIZE_KEY, this.maxLineSize),
				SettingChecks.required(SseLimits.MAX_EVENT_SIZE_KEY, this.maxEventSize));
	}

	public SseSettings withLimits(@Nullable DataSize maxLineSize, @Nullable DataSize maxEventSize) {
		return toBuilder().maxLineSize(maxLineSize).maxEventSize(maxEventSize).build();
	}

	public SseSettings withReconnect(SseReconnectSettings reconnect) {
		return toBuilder().reconnect(reconnect).build();
	}

	public SseSettings withProxy(SseProxySettings proxy) {
		return toBuilder().proxy(proxy).build();
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
	 * Builds {@link SseSettings} by name; each method sets the component of the same
	 * name.
	 */
	public static final class Builder {

		private @Nullable DataSize maxLineSize;

		private @Nullable DataSize maxEventSize;

		private SseReconnectSettings reconnect;

		private SseProxySettings proxy;

		private Builder(SseSettings from) {
			this.maxLineSize = from.maxLineSize;
			this.maxEventSize = from.maxEventSize;
			this.reconnect = from.reconnect;
			this.proxy = from.proxy;
		}

		public Builder maxLineSize(@Nullable DataSize maxLineSize) {
			this.maxLineSize = maxLineSize;
			return this;
		}

		public Builder maxEventSize(@Nullable DataSize maxEventSize) {
			this.maxEventSize = maxEventSize;
			return this;
		}

		public Builder reconnect(SseReconnectSettings reconnect) {
			this.reconnect = reconnect;
			return this;
		}

		public Builder proxy(SseProxySettings proxy) {
			this.proxy = proxy;
			return this;
		}

		public SseSettings build() {
			return new SseSettings(this.maxLineSize, this.maxEventSize, this.reconnect, this.proxy);
		}

	}

}
