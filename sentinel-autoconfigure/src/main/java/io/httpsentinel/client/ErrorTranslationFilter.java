package io.httpsentinel.client;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.BodyExtractor;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.support.ClientResponseWrapper;

/**
 * Innermost filter of every client: turns transport errors into Sentinel's typed errors
 * naming the client, so that callers, filters and the resilience pipeline can tell them
 * apart without digging through Netty's or Spring's wrappers.
 */
final class ErrorTranslationFilter implements ExchangeFilterFunction {

	private final String clientName;

	private final ClientSettings settings;

	ErrorTranslationFilter(String clientName, ClientSettings settings) {
		this.clientName = clientName;
		this.settings = settings;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return next.exchange(request).onErrorMap(this::translateExchangeError).map(SizeLimitedResponse::new);
	}

	private Throwable translateExchangeError(Throwable error) {
		Throwable cause = (error instanceof WebClientRequestException) ? error.getCause() : error;
		if (cause instanceof SentinelException) {
			return cause;
		}
		if (cause != null) {
			// Reactor Netty shades reactor-pool, so match its exceptions by simple name.
			String type = cause.getClass().getSimpleName();
			if (type.equals("PoolAcquireTimeoutException")) {
				Duration timeout = this.settings.pool().pendingAcquireTimeout();
				return new PoolAcquireTimeoutException(this.clientName, timeout, error);
			}
			if (type.equals("PoolAcquirePendingLimitException")) {
				return new PoolPendingLimitException(this.clientName, this.settings.pool().pendingAcquireMaxCount(),
						error);
			}
		}
		return error;
	}

	private Throwable translateBodyError(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof DataBufferLimitException) {
				DataSize limit = this.settings.maxResponseSize();
				return new ResponseTooLargeException(this.clientName, limit, error);
			}
		}
		return error;
	}

	/**
	 * Maps the codecs' anonymous buffer-limit error to {@link ResponseTooLargeException}
	 * on every way of reading the body.
	 */
	private final class SizeLimitedResponse extends ClientResponseWrapper {

		SizeLimitedResponse(ClientResponse delegate) {
			super(delegate);
		}

		@Override
		public <T> T body(BodyExtractor<T, ? super ClientHttpResponse> extractor) {
			T body = super.body(extractor);
			if (body instanceof Mono<?> mono) {
				@SuppressWarnings("unchecked")
				T mapped = (T) mono.onErrorMap(ErrorTranslationFilter.this::translateBodyError);
				return mapped;
			}
			if (body instanceof Flux<?> flux) {
				@SuppressWarnings("unchecked")
				T mapped = (T) flux.onErrorMap(ErrorTranslationFilter.this::translateBodyError);
				return mapped;
			}
			return body;
		}

		@Override
		public <T> Mono<T> bodyToMono(Class<? extends T> elementClass) {
			return super.<T>bodyToMono(elementClass).onErrorMap(ErrorTranslationFilter.this::translateBodyError);
		}

		@Override
		public <T> Mono<T> bodyToMono(ParameterizedTypeReference<T> elementTypeRef) {
			return super.bodyToMono(elementTypeRef).onErrorMap(ErrorTranslationFilter.this::translateBodyError);
		}

		@Override
		public <T> Flux<T> bodyToFlux(Class<? extends T> elementClass) {
			return super.<T>bodyToFlux(elementClass).onErrorMap(ErrorTranslationFilter.this::translateBodyError);
		}

		@Override
		public <T> Flux<T> bodyToFlux(ParameterizedTypeReference<T> elementTypeRef) {
			return super.bodyToFlux(elementTypeRef).onErrorMap(ErrorTranslationFilter.this::translateBodyError);
		}

		@Override
		public <T> Mono<ResponseEntity<T>> toEntity(Class<T> bodyType) {
			return super.toEntity(bodyType).onErrorMap(ErrorTranslationFilter.this::translateBodyError);
		}

		@Override
		public <T> Mono<ResponseEntity<T>> toEntity(ParameterizedTypeReference<T> bodyTypeReference) {
			return super.toEntity(bodyTypeReference).onErrorMap(ErrorTranslationFilter.this::translateBodyError);
		}

		@Override
		public <T> Mono<ResponseEntity<List<T>>> toEntityList(Class<T> elementClass) {
			return super.toEntityList(elementClass).onErrorMap(ErrorTranslationFilter.this::translateBodyError);
		}

		@Override
		public <T> Mono<ResponseEntity<List<T>>> toEntityList(ParameterizedTypeReference<T> elementTypeRef) {
			return super.toEntityList(elementTypeRef).onErrorMap(ErrorTranslationFilter.this::translateBodyError);
		}

	}

}
