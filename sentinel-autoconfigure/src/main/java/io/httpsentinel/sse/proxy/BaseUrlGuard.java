package io.httpsentinel.sse.proxy;

import java.net.URI;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Keeps the upstream requests of forwarded streams on their client's base URL (same
 * scheme, host and port), before anything is sent: an absolute URL built from a
 * downstream request cannot make the proxy call another host. Outermost, it also sets the
 * event-stream headers of each connection ({@link EventStreamRequest}), so that every
 * other filter sees them.
 */
final class BaseUrlGuard implements ExchangeFilterFunction {

	private final String clientName;

	private final @Nullable URI baseUrl;

	BaseUrlGuard(String clientName, @Nullable URI baseUrl) {
		this.clientName = clientName;
		this.baseUrl = baseUrl;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		URI url = request.url();
		if (this.baseUrl != null && !sameOrigin(url, this.baseUrl)) {
			return Mono.error(new IllegalArgumentException("SSE proxy of client '" + this.clientName
					+ "': the upstream request must go to the client's base URL " + origin(this.baseUrl) + ", not to "
					+ origin(url) + "; configure another client for another host"));
		}
		return EventStreamRequest.exchange(request, next);
	}

	private static boolean sameOrigin(URI url, URI base) {
		return base.getScheme().equalsIgnoreCase(String.valueOf(url.getScheme()))
				&& base.getHost().equalsIgnoreCase(String.valueOf(url.getHost())) && port(base) == port(url);
	}

	private static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return "https".equals(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT)) ? 443 : 80;
	}

	private static String origin(URI uri) {
		return uri.getScheme() + "://" + uri.getHost() + ":" + port(uri);
	}

}
