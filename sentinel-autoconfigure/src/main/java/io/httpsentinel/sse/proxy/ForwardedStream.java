package io.httpsentinel.sse.proxy;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * The response of a forwarded stream as {@link SseForward#toResponse()} returns it: a
 * plain {@code Mono} to WebFlux, and a value that {@link SseProxyReturnValueHandler}
 * recognizes in Spring MVC, where it is written through
 * {@link SseForward#toResponseBodyEmitter()} instead (MVC would serialize the body's
 * buffers as JSON). The same controller method thus works in both stacks.
 */
final class ForwardedStream extends Mono<ResponseEntity<Flux<DataBuffer>>> {

	private final SseForward forward;

	ForwardedStream(SseForward forward) {
		this.forward = forward;
	}

	@Override
	public void subscribe(CoreSubscriber<? super ResponseEntity<Flux<DataBuffer>>> actual) {
		this.forward.open().subscribe(actual);
	}

	/**
	 * Start the stream as a Spring MVC response.
	 * @return the result to hand to Spring MVC's asynchronous processing
	 */
	DeferredResult<ResponseEntity<ResponseBodyEmitter>> toResponseBodyEmitter() {
		return this.forward.toResponseBodyEmitter();
	}

}
