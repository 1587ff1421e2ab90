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
	 * Settings that inherit everything.
	 */
	public static final TimeoutSettings INHERIT = new TimeoutSettings(null, null, null, null, null, null);

	/**
	 * Built-in defaults: connect 5s, TLS handshake 10s, response headers 60s, read idle
	 * 60s, total 10 minutes.
	 */
	public static final TimeoutSettings DEFAULTS = builder().connect(Duration.ofSeconds(5))
		.tlsHandshake(Duration.ofSeconds(10))
		.responseHeaders(Duration.ofSeconds(60))
		.readIdle(Duration.ofSeconds(60))
		.total(Duration.ofMinutes(10))
		.totalIncludesStreams(false)
		.build();

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
		return toBuilder().connect(connect).build();
	}

	public TimeoutSettings withTlsHandshake(@Nullable Duration tlsHandshake) {
		return toBuilder().tlsHandshake(tlsHandshake).build();
	}

	public TimeoutSettings withResponseHeaders(@Nullable Duration responseHeaders) {
		return toBuilder().responseHeaders(responseHeaders).build();
	}

	public TimeoutSettings withReadIdle(@Nullable Duration readIdle) {
		return toBuilder().readIdle(readIdle).build();
	}

	public TimeoutSettings withTotal(@Nullable Duration total) {
		return toBuilder().total(total).build();
	}

	public TimeoutSettings withTotalIncludesStreams(@Nullable Boolean totalIncludesStreams) {
		return toBuilder().totalIncludesStreams(totalIncludesStreams).build();
	}

	public void checkConsistent() {
		if (this.responseHeaders != null && this.total != null && this.responseHeaders.compareTo(this.total) >= 0) {
			throw new InvalidSettingException("timeouts.response-headers", this.responseHeaders,
					"must be shorter than timeouts.total (" + this.total + ")");
		}
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
	 * Builds {@link TimeoutSettings} by name; each method sets the component of the same
	 * name.
	 */
	public static final class Builder {

		private @Nullable Duration connect;

		private @Nullable Duration tlsHandshake;

		private @Nullable Duration responseHeaders;

		private @Nullable Duration readIdle;

		private @Nullable Duration total;

		private @Nullable Boolean totalIncludesStreams;

		private Builder(TimeoutSettings from) {
			this.connect = from.connect;
			this.tlsHandshake = from.tlsHandshake;
			this.responseHeaders = from.responseHeaders;
			this.readIdle = from.readIdle;
			this.total = from.total;
			this.totalIncludesStreams = from.totalIncludesStreams;
		}

		public Builder connect(@Nullable Duration connect) {
			this.connect = connect;
			return this;
		}

		public Builder tlsHandshake(@Nullable Duration tlsHandshake) {
			this.tlsHandshake = tlsHandshake;
			return this;
		}

		public Builder responseHeaders(@Nullable Duration responseHeaders) {
			this.responseHeaders = responseHeaders;
			return this;
		}

		public Builder readIdle(@Nullable Duration readIdle) {
			this.readIdle = readIdle;
			return this;
		}

		public Builder total(@Nullable Duration total) {
			this.total = total;
			return this;
		}

		public Builder totalIncludesStreams(@Nullable Boolean totalIncludesStreams) {
			this.totalIncludesStreams = totalIncludesStreams;
			return this;
		}

		public TimeoutSettings build() {
			return new TimeoutSettings(this.connect, this.tlsHandshake, this.responseHeaders, this.readIdle, this.total,
					this.totalIncludesStreams);
		}

	}

}
