package io.httpsentinel.client;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Innermost filter of every client: turns transport errors into Sentinel's typed errors
 * naming the client, so that callers, filters and the resilience pipeline can tell them
 * apart without digging through Netty's or Spring's wrappers.
 */
final class ErrorTranslationFilter implements ExchangeFilterFunction {

	private final String clientName;

	private final ClientSettings settings;

	private final SizeLimit sizeLimit = new SizeLimit();

	ErrorTranslationFilter(String clientName, ClientSettings settings) {
		this.clientName = clientName;
		this.settings = settings;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return next.exchange(request)
			.onErrorMap(this::translateExchangeError)
			.map((response) -> BodyInterceptor.wrap(response, this.sizeLimit));
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
	private final class SizeLimit implements BodyInterceptor {

		@Override
		public <T> Mono<T> mono(Mono<T> body) {
			return body.onErrorMap(ErrorTranslationFilter.this::translateBodyError);
		}

		@Override
		public <T> Flux<T> flux(Flux<T> body) {
			return body.onErrorMap(ErrorTranslationFilter.this::translateBodyError);
		}

	}

}
