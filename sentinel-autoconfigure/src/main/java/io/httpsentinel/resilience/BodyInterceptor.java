package io.httpsentinel.resilience;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.web.reactive.function.BodyExtractor;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.support.ClientResponseWrapper;

/**
 * Applies an operator to whatever a caller reads from a response body, however it reads
 * it ({@code bodyToMono}, {@code bodyToFlux}, {@code toEntity}, {@code body(extractor)},
 * or through {@code retrieve()}). Unlike {@code ClientResponse.mutate()}, the response
 * keeps its request description and any wrapper applied closer to the connection.
 */
interface BodyInterceptor {

	/**
	 * Operator for a body read as one value.
	 * @param <T> the body type
	 * @param body the body
	 * @return the body to hand to the caller
	 */
	<T> Mono<T> mono(Mono<T> body);

	/**
	 * Operator for a body read as a stream.
	 * @param <T> the element type
	 * @param body the body
	 * @return the body to hand to the caller
	 */
	<T> Flux<T> flux(Flux<T> body);

	/**
	 * Wrap a response so that every way of reading its body goes through the interceptor.
	 * @param response the response
	 * @param interceptor the interceptor
	 * @return the wrapped response
	 */
	static ClientResponse wrap(ClientResponse response, BodyInterceptor interceptor) {
		return new InterceptedResponse(response, interceptor);
	}

	/**
	 * The wrapper behind {@link #wrap}.
	 */
	final class InterceptedResponse extends ClientResponseWrapper {

		private final BodyInterceptor interceptor;

		InterceptedResponse(ClientResponse delegate, BodyInterceptor interceptor) {
			super(delegate);
			this.interceptor = interceptor;
		}

		@Override
		public <T> T body(BodyExtractor<T, ? super ClientHttpResponse> extractor) {
			T body = super.body(extractor);
			if (body instanceof Mono<?> mono) {
				@SuppressWarnings("unchecked")
				T intercepted = (T) this.interceptor.mono(mono);
				return intercepted;
			}
			if (body instanceof Flux<?> flux) {
				@SuppressWarnings("unchecked")
				T intercepted = (T) this.interceptor.flux(flux);
				return intercepted;
			}
			return body;
		}

		@Override
		public <T> Mono<T> bodyToMono(Class<? extends T> elementClass) {
			return this.interceptor.mono(super.bodyToMono(elementClass));
		}

		@Override
		public <T> Mono<T> bodyToMono(ParameterizedTypeReference<T> elementTypeRef) {
			return this.interceptor.mono(super.bodyToMono(elementTypeRef));
		}

		@Override
		public <T> Flux<T> bodyToFlux(Class<? extends T> elementClass) {
			return this.interceptor.flux(super.bodyToFlux(elementClass));
		}

		@Override
		public <T> Flux<T> bodyToFlux(ParameterizedTypeReference<T> elementTypeRef) {
			return this.interceptor.flux(super.bodyToFlux(elementTypeRef));
		}

		@Override
		public <T> Mono<ResponseEntity<T>> toEntity(Class<T> bodyType) {
			return this.interceptor.mono(super.toEntity(bodyType));
		}

		@Override
		public <T> Mono<ResponseEntity<T>> toEntity(ParameterizedTypeReference<T> bodyTypeReference) {
			return this.interceptor.mono(super.toEntity(bodyTypeReference));
		}

		@Override
		public <T> Mono<ResponseEntity<List<T>>> toEntityList(Class<T> elementClass) {
			return this.interceptor.mono(super.toEntityList(elementClass));
		}

		@Override
		public <T> Mono<ResponseEntity<List<T>>> toEntityList(ParameterizedTypeReference<T> elementTypeRef) {
			return this.interceptor.mono(super.toEntityList(elementTypeRef));
		}

	}

}
