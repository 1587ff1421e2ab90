package io.httpsentinel.sample.web;

import org.jspecify.annotations.Nullable;

import org.springframework.web.util.UriBuilder;

/**
 * Fault knobs of the demo upstream's streams, taken from the query string of a sample
 * stream endpoint and passed on to the upstream request, so that the proxy's handling of
 * failures can be tried from a browser or with curl. Each is optional; the upstream
 * checks their ranges (400 otherwise).
 *
 * @param dropAfter the upstream closes its connection abruptly after this many events
 * @param stallAfter the upstream goes silent after this many events
 * @param status the upstream answers this status instead of a stream (e.g. 429, 503)
 * @param retryAfter with {@code status}, the upstream's {@code Retry-After} in seconds
 * @param interval milliseconds between two events ({@code 0}: as fast as possible)
 * @param retry the upstream sends {@code retry:} with this many milliseconds first (how
 * long a browser waits before it reconnects)
 * @param count the temperature stream ends after the reading with this id
 */
public record DemoFaults(@Nullable Integer dropAfter, @Nullable Integer stallAfter, @Nullable Integer status,
		@Nullable Integer retryAfter, @Nullable Integer interval, @Nullable Integer retry, @Nullable Integer count) {

	/**
	 * These knobs, with {@code dropAfter} set when it is not.
	 * @param events the default of {@code dropAfter}
	 * @return the knobs
	 */
	DemoFaults orDropAfter(int events) {
		return (this.dropAfter != null) ? this : new DemoFaults(events, this.stallAfter, this.status, this.retryAfter,
				this.interval, this.retry, this.count);
	}

	/**
	 * Add the knobs that are set to an upstream request's query.
	 * @param uri the request's URI builder
	 * @return the builder
	 */
	UriBuilder addTo(UriBuilder uri) {
		add(uri, "dropAfter", this.dropAfter);
		add(uri, "stallAfter", this.stallAfter);
		add(uri, "status", this.status);
		add(uri, "retryAfter", this.retryAfter);
		add(uri, "interval", this.interval);
		add(uri, "retry", this.retry);
		add(uri, "count", this.count);
		return uri;
	}

	private static void add(UriBuilder uri, String name, @Nullable Integer value) {
		if (value != null) {
			uri.queryParam(name, value);
		}
	}

}
