package io.httpsentinel.testsupport;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientFactory;

/**
 * Creates clients the way the auto-configuration does, minus Spring, and closes them all
 * at the end of a test. Each client is named {@code upstream} and takes its settings from
 * the test on top of the base URL; the factory fills in the built-in defaults.
 */
public final class TestClients implements AutoCloseable {

	private final List<SentinelClient> clients = new ArrayList<>();

	public SentinelClient create(URI baseUrl, UnaryOperator<ClientSettings> settings) {
		return create(new SentinelClientFactory(WebClient::builder, null, List.of()), baseUrl, settings);
	}

	public SentinelClient create(SentinelClientFactory factory, URI baseUrl, UnaryOperator<ClientSettings> settings) {
		SentinelClient client = factory.create("upstream", settings.apply(ClientSettings.INHERIT.withBaseUrl(baseUrl)));
		this.clients.add(client);
		return client;
	}

	@Override
	public void close() {
		// One by one: a test may create several clients of the same name.
		this.clients.forEach(SentinelClient::close);
	}

}
