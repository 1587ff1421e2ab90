package io.httpsentinel.sse.proxy;

import java.net.URI;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.ExchangeStrategies;

/**
 * The upstream request of a forwarded stream as the client's filters, its exchange log
 * and the connection see it: the request as built, with the event-stream headers over its
 * own ({@link Headers}). A view rather than headers set on the request with
 * {@code headers(..)}: that gives the request spec a headers map of its own, and the
 * request built from it a copy, both kept by the exchange for as long as the stream is
 * open (about 1 KB per stream). Here {@link #headers()} makes the headers each time it is
 * asked (a filter or the log reads them once), and {@link #writeTo} sets them on the
 * request as it is sent.
 */
final class EventStreamRequest implements ClientRequest {

	private final ClientRequest request;

	private final Headers headers;

	private EventStreamRequest(ClientRequest request, Headers headers) {
		this.request = request;
		this.headers = headers;
	}

	/**
	 * The exchange of a request: the request with the event-stream headers of the
	 * connection that subscribes (from its context), or the request as it is when it is
	 * not a forwarded stream's.
	 * @param request the request
	 * @param next the rest of the exchange
	 * @return the exchange
	 */
	static Mono<ClientResponse> exchange(ClientRequest request, ExchangeFunction next) {
		return new Exchange(request, next);
	}

	@Override
	public HttpMethod method() {
		return this.request.method();
	}

	@Override
	public URI url() {
		return this.request.url();
	}

	@Override
	public HttpHeaders headers() {
		HttpHeaders headers = HttpHeaders.copyOf(this.request.headers());
		this.headers.applyTo(headers);
		return HttpHeaders.readOnlyHttpHeaders(headers);
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
		// Before the headers are committed, after the request wrote its own.
		request.beforeCommit(() -> {
			this.headers.applyTo(request.getHeaders());
			return Mono.empty();
		});
		return this.request.writeTo(request, strategies);
	}

	@Override
	public String toString() {
		return this.request.toString();
	}

	/**
	 * The event-stream headers of one upstream connection, carried to the exchange in the
	 * context of the connection's subscriber: {@code Accept: text/event-stream} unless
	 * the request asks for another type ({@link GuardedWebClients} leaves a client's
	 * default {@code Accept} out, so an {@code Accept} is the request's own),
	 * {@code Cache-Control: no-cache}, and the {@code Last-Event-ID}.
	 *
	 * @param lastEventId the {@code Last-Event-ID} to send, as
	 * {@link io.httpsentinel.sse.LastEventIdHeader#encode} makes it, or {@code null} for
	 * none
	 * @param first whether this is the stream's first connection (a {@code Last-Event-ID}
	 * the request sets itself is then kept when there is none to send)
	 */
	record Headers(@Nullable String lastEventId, boolean first) {

		/** The key of the headers in the context of a connection's subscriber. */
		static final Object KEY = Headers.class;

		private static final Headers FIRST = new Headers(null, true);

		static Headers of(@Nullable String lastEventId, boolean first) {
			return (lastEventId == null && first) ? FIRST : new Headers(lastEventId, first);
		}

		/**
		 * A context that carries these headers.
		 * @param context the context of the downstream subscriber
		 * @return the context of the connection's subscriber
		 */
		Context in(ContextView context) {
			return Context.of(context).put(KEY, this);
		}

		void applyTo(HttpHeaders headers) {
			if (!headers.containsHeader(HttpHeaders.ACCEPT)) {
				headers.set(HttpHeaders.ACCEPT, MediaType.TEXT_EVENT_STREAM_VALUE);
			}
			headers.set(HttpHeaders.CACHE_CONTROL, "no-cache");
			if (this.lastEventId != null) {
				headers.set(SseProxy.LAST_EVENT_ID, this.lastEventId);
			}
			else if (!this.first) {
				headers.remove(SseProxy.LAST_EVENT_ID);
			}
		}

	}

	/**
	 * The exchange, with the request made when it is subscribed: one object where
	 * {@code Mono.deferContextual(..)} takes two.
	 */
	private static final class Exchange extends Mono<ClientResponse> {

		private final ClientRequest request;

		private final ExchangeFunction next;

		Exchange(ClientRequest request, ExchangeFunction next) {
			this.request = request;
			this.next = next;
		}

		@Override
		public void subscribe(CoreSubscriber<? super ClientResponse> actual) {
			Headers headers = actual.currentContext().getOrDefault(Headers.KEY, null);
			ClientRequest request = (headers != null) ? new EventStreamRequest(this.request, headers) : this.request;
			this.next.exchange(request).subscribe(actual);
		}

	}

}
