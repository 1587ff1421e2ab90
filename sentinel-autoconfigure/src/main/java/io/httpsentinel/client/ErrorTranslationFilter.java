package io.httpsentinel.client;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

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
		return new Translated(next.exchange(request), this);
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

	/**
	 * The exchange with its error translated: one subscriber where {@code onErrorMap(..)}
	 * takes a resuming subscriber (which tracks requests and subscriptions to switch
	 * sources) and two functions per call.
	 */
	private static final class Translated extends MonoOperator<ClientResponse, ClientResponse> {

		private final ErrorTranslationFilter filter;

		Translated(Mono<ClientResponse> exchange, ErrorTranslationFilter filter) {
			super(exchange);
			this.filter = filter;
		}

		@Override
		public void subscribe(CoreSubscriber<? super ClientResponse> actual) {
			this.source.subscribe(new TranslatingSubscriber(actual, this.filter));
		}

	}

	private static final class TranslatingSubscriber implements CoreSubscriber<ClientResponse>, Subscription {

		private final CoreSubscriber<? super ClientResponse> actual;

		private final ErrorTranslationFilter filter;

		private @Nullable Subscription upstream;

		TranslatingSubscriber(CoreSubscriber<? super ClientResponse> actual, ErrorTranslationFilter filter) {
			this.actual = actual;
			this.filter = filter;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.upstream, subscription)) {
				this.upstream = subscription;
				this.actual.onSubscribe(this);
			}
		}

		@Override
		public void onNext(ClientResponse response) {
			this.actual.onNext(response);
		}

		@Override
		public void onError(Throwable error) {
			Throwable translated;
			try {
				translated = this.filter.translateExchangeError(error);
			}
			catch (Throwable ex) {
				translated = Operators.onOperatorError(null, ex, error, this.actual.currentContext());
			}
			this.actual.onError(translated);
		}

		@Override
		public void onComplete() {
			this.actual.onComplete();
		}

		@Override
		public void request(long n) {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.request(n);
			}
		}

		@Override
		public void cancel() {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
		}

	}

}
