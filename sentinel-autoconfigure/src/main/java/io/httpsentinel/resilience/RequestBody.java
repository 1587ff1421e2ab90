package io.httpsentinel.resilience;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpRequestDecorator;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientRequest;

/**
 * Watches how a request body is sent, to know whether it can be sent again. A body
 * written as a single buffer (any {@code bodyValue(...)}) is re-encoded from its value on
 * each attempt; a body written as a stream of buffers (a {@code Publisher} body) may be a
 * one-shot source, so once it started sending, the request is never retried.
 */
final class RequestBody {

	private volatile boolean started;

	private volatile boolean streamed;

	ClientRequest track(ClientRequest request) {
		if (request.body() == BodyInserters.empty()) {
			// Nothing to send, nothing to watch: spare the copy on every GET.
			return request;
		}
		return ClientRequest.from(request)
			.body((message, context) -> request.body().insert(new Tracking(message), context))
			.build();
	}

	/**
	 * Whether another attempt may send the body again.
	 * @return {@code false} once a streamed body started sending
	 */
	boolean replayable() {
		return !(this.started && this.streamed);
	}

	private final class Tracking extends ClientHttpRequestDecorator {

		Tracking(ClientHttpRequest delegate) {
			super(delegate);
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			RequestBody.this.streamed |= !(body instanceof Mono);
			RequestBody.this.started = true;
			return super.writeWith(body);
		}

		@Override
		public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			RequestBody.this.streamed = true;
			RequestBody.this.started = true;
			return super.writeAndFlushWith(body);
		}

	}

}
