package io.httpsentinel.client.pool;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * Timeouts of one client. Every component may be {@code null}, meaning "inherit" (see
 * {@link #orElse(TimeoutSettings)}).
 *
 * @param connect maximum time to establish a TCP connection
 * @param tlsHandshake maximum time for the TLS handshake once connected
 * @param responseHeaders maximum time from the request being sent until the response
 * headers arrive; fails with {@link ResponseHeadersTimeoutException}
 * @param readIdle maximum gap between two chunks of a response body once the headers
 * arrived (not the duration of the whole body, so long streams are fine); fails with
 * {@link ReadIdleTimeoutException}
 * @param total maximum duration of a whole call: every attempt, backoff and rate-limit
 * wait, and the reading of a buffered (non-streaming) response body; fails with
 * {@code TotalTimeoutException}
 * @param totalIncludesStreams whether {@code total} also bounds streamed response bodies
 * ({@code text/event-stream}, {@code application/x-ndjson} and similar); off by default,
 * since a healthy stream may last far longer than any request
 */
public record TimeoutSettings(@Nullable Duration connect, @Nullable Duration tlsHandshake,
		@Nullable Duration responseHeaders, @Nullable Duration readIdle, @Nullable Duration total,
		@Nullable Boolean totalIncludesStreams) {

	/**
	 * Built-in defaults: connect 5s, TLS handshake 10s, response headers 60s, read idle
	 * 60s, total 10 minutes.
	 */
	public static final TimeoutSettings DEFAULTS = new TimeoutSettings(Duration.ofSeconds(5), Duration.ofSeconds(10),
			Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(10), false);

	/**
	 * Settings that inherit everything.
	 */
	public static final TimeoutSettings INHERIT = new TimeoutSettings(null, null, null, null, null, null);

	public TimeoutSettings {
		SettingChecks.positive("timeouts.connect", connect);
		SettingChecks.positive("timeouts.tls-handshake", tlsHandshake);
		SettingChecks.positive("timeouts.response-headers", responseHeaders);
		SettingChecks.positive("timeouts.read-idle", readIdle);
		SettingChecks.positive("timeouts.total", total);
	}

	/**
	 * Return settings where every {@code null} component is taken from {@code other}.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public TimeoutSettings orElse(TimeoutSettings other) {
		return new TimeoutSettings(SettingChecks.pick(this.connect, other.connect),
				SettingChecks.pick(this.tlsHandshake, other.tlsHandshake),
				SettingChecks.pick(this.responseHeaders, other.responseHeaders),
				SettingChecks.pick(this.readIdle, other.readIdle), SettingChecks.pick(this.total, other.total),
				SettingChecks.pick(this.totalIncludesStreams, other.totalIncludesStreams));
	}

	public TimeoutSettings withConnect(@Nullable Duration connect) {
		return new TimeoutSettings(connect, this.tlsHandshake, this.responseHeaders, this.readIdle, this.total,
				this.totalIncludesStreams);
	}

	public TimeoutSettings withTlsHandshake(@Nullable Duration tlsHandshake) {
		return new TimeoutSettings(this.connect, tlsHandshake, this.responseHeaders, this.readIdle, this.total,
				this.totalIncludesStreams);
	}

	public TimeoutSettings withResponseHeaders(@Nullable Duration responseHeaders) {
		return new TimeoutSettings(this.connect, this.tlsHandshake, responseHeaders, this.readIdle, this.total,
				this.totalIncludesStreams);
	}

	public TimeoutSettings withReadIdle(@Nullable Duration readIdle) {
		return new TimeoutSettings(this.connect, this.tlsHandshake, this.responseHeaders, readIdle, this.total,
				this.totalIncludesStreams);
	}

	public TimeoutSettings withTotal(@Nullable Duration total) {
		return new TimeoutSettings(this.connect, this.tlsHandshake, this.responseHeaders, this.readIdle, total,
				this.totalIncludesStreams);
	}

	public TimeoutSettings withTotalIncludesStreams(@Nullable Boolean totalIncludesStreams) {
		return new TimeoutSettings(this.connect, this.tlsHandshake, this.responseHeaders, this.readIdle, this.total,
				totalIncludesStreams);
	}

	public void checkConsistent() {
		if (this.responseHeaders != null && this.total != null && this.responseHeaders.compareTo(this.total) >= 0) {
			throw new InvalidSettingException("timeouts.response-headers", this.responseHeaders,
					"must be shorter than timeouts.total (" + this.total + ")");
		}
	}

}
