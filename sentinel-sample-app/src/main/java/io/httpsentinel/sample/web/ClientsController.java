package io.httpsentinel.sample.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.httpsentinel.client.ClientMetricsSnapshot;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.client.pool.PoolStatistics.PoolSnapshot;
import io.httpsentinel.resilience.BackendView;

/**
 * Lists the configured Sentinel clients with their live pool figures, so that you can
 * watch connections being opened and reused while calling {@code /api/weather/{city}}.
 */
@RestController
public class ClientsController {

	private final SentinelClients clients;

	public ClientsController(SentinelClients clients) {
		this.clients = clients;
	}

	@GetMapping("/api/clients")
	public List<ClientView> clients() {
		List<ClientView> views = new ArrayList<>();
		for (SentinelClient client : this.clients) {
			views.add(ClientView.of(client));
		}
		return views;
	}

	/**
	 * What every client has been doing: totals, recent latency, pool, breaker, rate limit
	 * (the same figures back the {@code sentinel.client.*} meters).
	 * @return the snapshots by client name
	 */
	@GetMapping("/api/clients/metrics")
	public Map<String, ClientMetricsSnapshot> metrics() {
		return this.clients.metrics();
	}

	/**
	 * One client as listed. Default headers are left out on purpose: they typically hold
	 * API keys.
	 *
	 * @param name the client name
	 * @param baseUrl the base URL requests resolve against (for a client with several
	 * backends, the first: each request goes to the backend chosen for it)
	 * @param backends the addresses of its backends, when it has several
	 * @param maxConnections the size limit of the pool
	 * @param pool the pool's current figures
	 */
	public record ClientView(String name, String baseUrl, List<String> backends, int maxConnections,
			PoolSnapshot pool) {

		static ClientView of(SentinelClient client) {
			List<String> backends = client.backends()
				.map((view) -> view.backends().stream().map(BackendView::address).toList())
				.orElse(List.of());
			return new ClientView(client.name(), Objects.toString(client.settings().logicalBaseUrl()), backends,
					Objects.requireNonNull(client.settings().pool().maxConnections()), client.pool());
		}

	}

}
