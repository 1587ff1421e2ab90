package io.httpsentinel.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Gives the {@code http.client.requests} meters of every other HTTP client (a plain
 * {@code WebClient}, a {@code RestClient}) the {@code client} tag too, with the value
 * {@code none}. Prometheus, as Micrometer 1.16 exports to it, requires every meter of one
 * name to have the same tag keys: without this filter the meters of whichever kind of
 * client came second would be dropped from the scrape.
 */
public final class ClientTagMeterFilter implements MeterFilter {

	private static final Tag NONE = Tag.of(SentinelClientMetrics.CLIENT_TAG, "none");

	private final String name;

	private final String prefix;

	/**
	 * Create a filter for the meters of an observation.
	 * @param observationName name of the HTTP client observation (its meters are that
	 * name and names below it, such as {@code http.client.requests.active})
	 */
	public ClientTagMeterFilter(String observationName) {
		this.name = observationName;
		this.prefix = observationName + ".";
	}

	@Override
	public Meter.Id map(Meter.Id id) {
		String meter = id.getName();
		if ((meter.equals(this.name) || meter.startsWith(this.prefix))
				&& id.getTag(SentinelClientMetrics.CLIENT_TAG) == null) {
			return id.withTag(NONE);
		}
		return id;
	}

}
