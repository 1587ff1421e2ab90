package io.httpsentinel.autoconfigure.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

import io.httpsentinel.client.UpstreamProblem;

/**
 * Answers Sentinel's errors in a Spring MVC application with a problem document
 * ({@link UpstreamProblem}). It is the last resolver ({@link Ordered#LOWEST_PRECEDENCE}):
 * Spring MVC's own resolvers run first, among them the one for {@code @ExceptionHandler}
 * methods of the controller and of {@code @ControllerAdvice} beans, so that any handler
 * of the application wins. A response already committed (a stream under way) is left
 * alone, as is any error that is not Sentinel's.
 */
final class ProblemDetailsExceptionResolver implements HandlerExceptionResolver, Ordered {

	private static final Log logger = LogFactory.getLog(ProblemDetailsExceptionResolver.class);

	private final ProblemDetailsMapping mapping;

	ProblemDetailsExceptionResolver(ProblemDetailsMapping mapping) {
		this.mapping = mapping;
	}

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception error) {
		if (response.isCommitted()) {
			return null;
		}
		UpstreamProblem problem = this.mapping.map(error, request.getMethod(), request.getRequestURI());
		if (problem == null) {
			return null;
		}
		byte[] body = problem.toJson(request.getRequestURI());
		try {
			ServletServerHttpResponse output = new ServletServerHttpResponse(response);
			output.setStatusCode(HttpStatusCode.valueOf(problem.status().value()));
			problem.applyHeaders(output.getHeaders());
			output.getHeaders().setContentLength(body.length);
			output.getBody().write(body);
			output.flush();
		}
		catch (IOException | IllegalStateException ex) {
			// The client left, or the response's writer was taken: nothing more to say.
			logger.debug("Could not write the problem document", ex);
		}
		// An empty model and view: the error is handled, there is no view to render.
		return new ModelAndView();
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
