package io.httpsentinel.sse.proxy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.SentinelClient;

/**
 * The web clients a proxy builds its upstream requests from, one per client, made on
 * first use: the client's own, with a check that every request stays on the client's base
 * URL ({@link BaseUrlGuard}), and without a default {@code Accept} header.
 */
final class GuardedWebClients {

	private final Map<SentinelClient, WebClient> webClients = new ConcurrentHashMap<>();

	/**
	 * The guarded web client of a client.
	 * @param client the client
	 * @return its web client
	 */
	WebClient of(SentinelClient client) {
		return this.webClients.computeIfAbsent(client, (key) -> key.webClient()
			.mutate()
			// Outermost: it sees the request as the controller made it, before a
			// client with several backends sends it to one of them.
			.filters((filters) -> filters.add(0, new BaseUrlGuard(key.name(), key.settings().logicalBaseUrl())))
			// An event-stream request accepts text/event-stream unless it asks for
			// another type itself (EventStreamRequest sets it over the request's
			// headers, where a default would look like the request's own).
			.defaultHeaders((headers) -> headers.remove(HttpHeaders.ACCEPT))
			.build());
	}

}
