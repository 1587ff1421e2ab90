package io.httpsentinel.metrics;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

import org.springframework.http.client.observation.ClientRequestObservationContext;
import org.springframework.http.client.observation.ClientRequestObservationConvention;

/**
 * The HTTP client observation ({@code http.client.requests}) of one Sentinel client's
 * {@code RestClient}: the application's convention (Spring's default unless it declares
 * one), plus the {@code client} key naming the Sentinel client, as
 * {@link SentinelClientRequestObservationConvention} does for its {@code WebClient}.
 */
public final class SentinelRestClientRequestObservationConvention implements ClientRequestObservationConvention {

	private final ClientRequestObservationConvention delegate;

	/** The {@code client} key, as key values: added to each call's without copying. */
	private final KeyValues client;

	/**
	 * Create the convention of a client.
	 * @param clientName the client name
	 * @param delegate the convention it extends
	 */
	public SentinelRestClientRequestObservationConvention(String clientName,
			ClientRequestObservationConvention delegate) {
		this.delegate = delegate;
		this.client = KeyValues.of(KeyValue.of(SentinelClientMetrics.CLIENT_TAG, clientName));
	}

	@Override
	public @Nullable String getName() {
		return this.delegate.getName();
	}

	@Override
	public @Nullable String getContextualName(ClientRequestObservationContext context) {
		return this.delegate.getContextualName(context);
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ClientRequestObservationContext context) {
		return this.delegate.getLowCardinalityKeyValues(context).and(this.client);
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(ClientRequestObservationContext context) {
		return this.delegate.getHighCardinalityKeyValues(context);
	}

}
