package io.httpsentinel.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Creates clients the way the auto-configuration does, minus Spring, and closes them all
 * at the end of a test.
 */
final class ClientFixture implements AutoCloseable {

	private final List<SentinelClient> clients = new ArrayList<>();

	SentinelClient create(URI baseUrl, UnaryOperator<ClientSettings> settings) {
		return create(new SentinelClientFactory(WebClient::builder, null, List.of()), baseUrl, settings);
	}

	SentinelClient create(SentinelClientFactory factory, URI baseUrl, UnaryOperator<ClientSettings> settings) {
		ClientSettings resolved = settings.apply(ClientSettings.INHERIT.withBaseUrl(baseUrl))
			.orElse(ClientSettings.DEFAULTS);
		SentinelClient client = factory.create("upstream", resolved);
		this.clients.add(client);
		return client;
	}

	@Override
	public void close() {
		new SentinelClients(this.clients).close();
	}

}
