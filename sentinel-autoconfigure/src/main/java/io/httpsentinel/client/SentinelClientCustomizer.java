package io.httpsentinel.client;

import reactor.netty.http.client.HttpClient;

import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Callback to adjust a client beyond what its settings offer, for example to add a
 * {@code WebClient} filter, a {@code RestClient} interceptor or a Netty channel option.
 * Declare it as a bean; it applies to every client unless restricted with
 * {@link #forClient(String, SentinelClientCustomizer)}. Customizers run after Sentinel
 * applied the client's settings, in bean order.
 */
public interface SentinelClientCustomizer {

	/**
	 * Adjust the Reactor Netty client of a client. Reactor Netty clients are immutable:
	 * return the adjusted instance.
	 * @param clientName the client name
	 * @param httpClient the client as configured from settings
	 * @return the client to use
	 */
	default HttpClient customizeHttpClient(String clientName, HttpClient httpClient) {
		return httpClient;
	}

	/**
	 * Adjust the {@code WebClient.Builder} of a client (filters, codecs, headers).
	 * @param clientName the client name
	 * @param builder the builder, already holding the client's base URL, headers and
	 * connector
	 */
	default void customizeWebClient(String clientName, WebClient.Builder builder) {
	}

	/**
	 * Adjust the {@code RestClient.Builder} of a client (interceptors, message
	 * converters, status handlers). Its request factory runs the client's pipeline on its
	 * pool: replacing it takes the client's resilience away.
	 * @param clientName the client name
	 * @param builder the builder, already holding the client's base URL, headers and
	 * request factory
	 */
	default void customizeRestClient(String clientName, RestClient.Builder builder) {
	}

	/**
	 * Return a customizer that applies {@code customizer} to the named client only.
	 * @param clientName the client to customize
	 * @param customizer the customization
	 * @return a customizer restricted to that client
	 */
	static SentinelClientCustomizer forClient(String clientName, SentinelClientCustomizer customizer) {
		return new SentinelClientCustomizer() {

			@Override
			public HttpClient customizeHttpClient(String name, HttpClient httpClient) {
				return clientName.equals(name) ? customizer.customizeHttpClient(name, httpClient) : httpClient;
			}

			@Override
			public void customizeWebClient(String name, WebClient.Builder builder) {
				if (clientName.equals(name)) {
					customizer.customizeWebClient(name, builder);
				}
			}

			@Override
			public void customizeRestClient(String name, RestClient.Builder builder) {
				if (clientName.equals(name)) {
					customizer.customizeRestClient(name, builder);
				}
			}

		};
	}

}
