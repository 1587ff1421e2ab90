package io.httpsentinel.metrics;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

import org.springframework.web.reactive.function.client.ClientRequestObservationContext;
import org.springframework.web.reactive.function.client.ClientRequestObservationConvention;

/**
 * The HTTP client observation ({@code http.client.requests}) of one Sentinel client: the
 * application's convention (Spring's default unless it declares one), plus a
 * {@code client} key naming the Sentinel client. The key has as many values as there are
 * configured clients, so it is low-cardinality; the {@code uri} key stays what the
 * convention makes of it (the URI template, never the expanded path).
 */
public final class SentinelClientRequestObservationConvention implements ClientRequestObservationConvention {

	private final ClientRequestObservationConvention delegate;

	/** The {@code client} key, as key values: added to each call's without copying. */
	private final KeyValues client;

	/**
	 * Create the convention of a client.
	 * @param clientName the client name
	 * @param delegate the convention it extends
	 */
	public SentinelClientRequestObservationConvention(String clientName, ClientRequestObservationConvention delegate) {
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
