package io.httpsentinel.client;

import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import io.httpsentinel.SentinelException;
import io.httpsentinel.client.pool.PoolAcquireTimeoutException;
import io.httpsentinel.client.pool.PoolPendingLimitException;
import io.httpsentinel.resilience.ResponseTooLargeException;

/**
 * Innermost filter of every client: turns transport errors into Sentinel's typed errors
 * naming the client, so that callers, filters and the resilience pipeline can tell them
 * apart without digging through Netty's or Spring's wrappers. Errors of reading a body
 * are translated where the body is handed to the caller, by the resilience pipeline (see
 * {@link ResponseTooLargeException#translate}).
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
		return next.exchange(request).onErrorMap(this::translateExchangeError);
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

}
