package io.httpsentinel.resilience;

import java.util.List;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.util.MultiValueMap;
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
	 * @param reread reads the body of another response the same way (the response of a
	 * later attempt, when the body broke off before the caller had any of it)
	 * @return the body to hand to the caller
	 */
	<T> Mono<T> mono(Mono<T> body, Function<ClientResponse, Mono<T>> reread);

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

		/**
		 * The response whose status and headers the caller sees: a later attempt's once
		 * its body was read instead.
		 */
		private volatile ClientResponse current;

		InterceptedResponse(ClientResponse delegate, BodyInterceptor interceptor) {
			super(delegate);
			this.interceptor = interceptor;
			this.current = delegate;
		}

		@Override
		public HttpStatusCode statusCode() {
			return this.current.statusCode();
		}

		@Override
		public Headers headers() {
			return this.current.headers();
		}

		@Override
		public MultiValueMap<String, ResponseCookie> cookies() {
			return this.current.cookies();
		}

		/**
		 * Read another response's body instead, and show its status and headers from now
		 * on, so that an entity built from this response matches the body it holds.
		 */
		private <T> Function<ClientResponse, Mono<T>> instead(Function<ClientResponse, Mono<T>> read) {
			return (response) -> {
				this.current = response;
				return read.apply(response);
			};
		}

		@Override
		public <T> T body(BodyExtractor<T, ? super ClientHttpResponse> extractor) {
			T body = super.body(extractor);
			if (body instanceof Mono<?> mono) {
				@SuppressWarnings("unchecked")
				T intercepted = (T) this.interceptor.mono((Mono<Object>) mono,
						instead((response) -> (Mono<Object>) response.body(extractor)));
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
			return this.interceptor.mono(super.bodyToMono(elementClass),
					instead((response) -> response.bodyToMono(elementClass)));
		}

		@Override
		public <T> Mono<T> bodyToMono(ParameterizedTypeReference<T> elementTypeRef) {
			return this.interceptor.mono(super.bodyToMono(elementTypeRef),
					instead((response) -> response.bodyToMono(elementTypeRef)));
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
			return this.interceptor.mono(super.toEntity(bodyType), instead((response) -> response.toEntity(bodyType)));
		}

		@Override
		public <T> Mono<ResponseEntity<T>> toEntity(ParameterizedTypeReference<T> bodyTypeReference) {
			return this.interceptor.mono(super.toEntity(bodyTypeReference),
					instead((response) -> response.toEntity(bodyTypeReference)));
		}

		@Override
		public <T> Mono<ResponseEntity<List<T>>> toEntityList(Class<T> elementClass) {
			return this.interceptor.mono(super.toEntityList(elementClass),
					instead((response) -> response.toEntityList(elementClass)));
		}

		@Override
		public <T> Mono<ResponseEntity<List<T>>> toEntityList(ParameterizedTypeReference<T> elementTypeRef) {
			return this.interceptor.mono(super.toEntityList(elementTypeRef),
					instead((response) -> response.toEntityList(elementTypeRef)));
		}

	}

}
