package io.httpsentinel.client;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.ExchangeFunctions;
import org.springframework.web.reactive.function.client.ExchangeStrategies;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * What a {@code WebClient} or a {@code RestClient} needs to call a client's host: the
 * base URL and default headers, the connector on the client's pool, and the filters of
 * its pipeline (resilience, error translation, exchange logging). Both kinds share the
 * same filter instances, so a call counts against the same retry budget, breaker, rate
 * limiter and statistics whichever API makes it.
 */
final class ClientTransport {

	private final URI baseUrl;

	private final Map<String, String> defaultHeaders;

	private final ClientHttpConnector connector;

	private final int maxInMemorySize;

	/** Outermost first, as a {@code WebClient.Builder} applies them. */
	private final List<ExchangeFilterFunction> pipeline;

	private final ClientHttpRequestFactory requestFactory;

	/**
	 * Assemble a client's transport.
	 * @param clientName the client name
	 * @param baseUrl the base URL
	 * @param defaultHeaders headers every request carries
	 * @param connector the connector on the client's pool
	 * @param maxResponseSize {@code max-response-size} in bytes
	 * @param pipeline the pipeline's filters, outermost first
	 */
	ClientTransport(String clientName, URI baseUrl, Map<String, String> defaultHeaders, ClientHttpConnector connector,
			long maxResponseSize, List<ExchangeFilterFunction> pipeline) {
		this.baseUrl = baseUrl;
		this.defaultHeaders = defaultHeaders;
		this.connector = connector;
		this.maxInMemorySize = (int) Math.min(Integer.MAX_VALUE, maxResponseSize);
		this.pipeline = List.copyOf(pipeline);
		this.requestFactory = new ExchangeRequestFactory(clientName, exchangeFunction(), maxResponseSize);
	}

	/**
	 * The exchange a {@code RestClient} call runs through: the connector wrapped in the
	 * pipeline's filters, without a {@code WebClient}'s own observation (the
	 * {@code RestClient} observes the call itself).
	 */
	private ExchangeFunction exchangeFunction() {
		ExchangeFunction exchange = ExchangeFunctions.create(this.connector, ExchangeStrategies.withDefaults());
		for (int i = this.pipeline.size() - 1; i >= 0; i--) {
			exchange = exchange.filter(this.pipeline.get(i));
		}
		return exchange;
	}

	/**
	 * Apply the base URL, the default headers, the connector and the codec limit: what a
	 * customizer finds already set on a client's builder.
	 * @param builder the builder
	 * @return the builder
	 */
	WebClient.Builder applyConnection(WebClient.Builder builder) {
		return builder.baseUrl(this.baseUrl.toString())
			.defaultHeaders(this::addDefaultHeaders)
			.clientConnector(this.connector)
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(this.maxInMemorySize));
	}

	/**
	 * Append the pipeline's filters, innermost of the builder's filters: the pipeline
	 * runs once per call around every attempt.
	 * @param builder the builder
	 * @return the builder
	 */
	WebClient.Builder applyPipeline(WebClient.Builder builder) {
		return builder.filters((filters) -> filters.addAll(this.pipeline));
	}

	/**
	 * Apply the base URL, the default headers and the request factory that runs every
	 * call through the pipeline on the client's pool.
	 * @param builder the builder
	 * @return the builder
	 */
	RestClient.Builder apply(RestClient.Builder builder) {
		return builder.baseUrl(this.baseUrl)
			.defaultHeaders(this::addDefaultHeaders)
			.requestFactory(this.requestFactory);
	}

	private void addDefaultHeaders(HttpHeaders headers) {
		this.defaultHeaders.forEach(headers::set);
	}

}
