package io.httpsentinel.resilience;

import java.net.URI;
import java.util.Map;
import java.util.function.Consumer;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeStrategies;

/**
 * A call's request sent to the backend chosen for one attempt: everything the call's own,
 * but the URL. A view rather than a copy ({@code ClientRequest.from} copies the headers
 * and attributes on every attempt); the connector takes the URL from {@link #url()} and
 * lets the request write itself.
 */
final class BackendRequest implements ClientRequest {

	private final ClientRequest request;

	private final URI url;

	BackendRequest(ClientRequest request, URI url) {
		this.request = request;
		this.url = url;
	}

	@Override
	public HttpMethod method() {
		return this.request.method();
	}

	@Override
	public URI url() {
		return this.url;
	}

	@Override
	public HttpHeaders headers() {
		return this.request.headers();
	}

	@Override
	public MultiValueMap<String, String> cookies() {
		return this.request.cookies();
	}

	@Override
	public BodyInserter<?, ? super ClientHttpRequest> body() {
		return this.request.body();
	}

	@Override
	public Map<String, Object> attributes() {
		return this.request.attributes();
	}

	@Override
	public Consumer<ClientHttpRequest> httpRequest() {
		return this.request.httpRequest();
	}

	@Override
	public String logPrefix() {
		return this.request.logPrefix();
	}

	@Override
	public Mono<Void> writeTo(ClientHttpRequest request, ExchangeStrategies strategies) {
		return this.request.writeTo(request, strategies);
	}

	@Override
	public String toString() {
		return method() + " " + this.url;
	}

}
