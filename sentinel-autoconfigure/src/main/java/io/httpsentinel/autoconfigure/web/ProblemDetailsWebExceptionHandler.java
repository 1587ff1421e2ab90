package io.httpsentinel.autoconfigure.web;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import io.httpsentinel.client.UpstreamProblem;

/**
 * Answers Sentinel's errors in a WebFlux application with a problem document
 * ({@link UpstreamProblem}). It runs just before Spring Boot's error handler
 * ({@code ErrorWebExceptionHandler}, order -1), hence after everything of the
 * application: {@code @ExceptionHandler} methods of controllers and
 * {@code @ControllerAdvice} beans handle the error inside the {@code DispatcherHandler},
 * before any {@link WebExceptionHandler} sees it. A response already committed (a stream
 * under way) is left alone, as is any error that is not Sentinel's.
 */
final class ProblemDetailsWebExceptionHandler implements WebExceptionHandler, Ordered {

	/** Just before Spring Boot's {@code ErrorWebExceptionHandler} (-1). */
	static final int ORDER = -2;

	private final ProblemDetailsMapping mapping;

	ProblemDetailsWebExceptionHandler(ProblemDetailsMapping mapping) {
		this.mapping = mapping;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.error(error);
		}
		ServerHttpRequest request = exchange.getRequest();
		String path = request.getPath().value();
		UpstreamProblem problem = this.mapping.map(error, request.getMethod().name(), path);
		if (problem == null) {
			return Mono.error(error);
		}
		byte[] body = problem.toJson(path);
		response.setStatusCode(problem.status());
		HttpHeaders headers = response.getHeaders();
		problem.applyHeaders(headers);
		headers.setContentLength(body.length);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
