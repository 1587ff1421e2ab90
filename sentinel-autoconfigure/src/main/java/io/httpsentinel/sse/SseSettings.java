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
	 * Built-in defaults: the parser's {@link SseLimits#DEFAULTS limits}, the default
	 * {@link SseReconnectSettings reconnection} and {@link SseProxySettings forwarding}.
	 */
	public static final SseSettings DEFAULTS = new SseSettings(SseLimits.DEFAULTS.maxLineSize(),
			SseLimits.DEFAULTS.maxEventSize(), SseReconnectSettings.DEFAULTS, SseProxySettings.DEFAULTS);

	/**
	 * Settings that inherit everything.
	 */
	public static final SseSettings INHERIT = new SseSettings(null, null, SseReconnectSettings.INHERIT,
			SseProxySettings.INHERIT);

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
		return new SseSettings(maxLineSize, maxEventSize, this.reconnect, this.proxy);
	}

	public SseSettings withReconnect(SseReconnectSettings reconnect) {
		return new SseSettings(this.maxLineSize, this.maxEventSize, reconnect, this.proxy);
	}

	public SseSettings withProxy(SseProxySettings proxy) {
		return new SseSettings(this.maxLineSize, this.maxEventSize, this.reconnect, proxy);
	}

}
