package io.httpsentinel.sse.proxy;

import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.util.ClassUtils;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;
import org.springframework.web.server.ServerWebExchange;

import io.httpsentinel.sse.LastEventIdHeader;

/**
 * What the proxy learns from the downstream request it serves: its {@code Last-Event-ID}
 * (decoded from UTF-8, see {@link #valid}), and how to close its connection. In WebFlux
 * the exchange comes from the Reactor context ({@link ServerWebExchangeContextFilter},
 * which the auto-configuration registers); in Spring MVC the request comes from
 * {@code RequestContextHolder} on the controller's thread.
 */
final class DownstreamRequest {

	private static final Log logger = LogFactory.getLog(SseProxy.class);

	/**
	 * Context key of a {@link Runnable} that closes the downstream connection, set by an
	 * adapter that writes the response itself (Spring MVC).
	 */
	static final String ABORT = DownstreamRequest.class.getName() + ".abort";

	/**
	 * Longest {@code Last-Event-ID} passed upstream, in bytes; a longer one is ignored.
	 */
	static final int MAX_LAST_EVENT_ID_LENGTH = 1024;

	private static final boolean SERVLET_PRESENT = ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest",
			DownstreamRequest.class.getClassLoader())
			&& ClassUtils.isPresent("org.springframework.web.context.request.ServletRequestAttributes",
					DownstreamRequest.class.getClassLoader());

	private static final boolean REACTOR_NETTY_PRESENT = ClassUtils.isPresent("reactor.netty.Connection",
			DownstreamRequest.class.getClassLoader());

	private DownstreamRequest() {
	}

	/**
	 * The {@code Last-Event-ID} of the servlet request bound to this thread (Spring MVC).
	 * @return the id, or {@code null} if there is no such request or it sent none (or an
	 * invalid one)
	 */
	static @Nullable String lastEventIdOfCurrentServletRequest() {
		return SERVLET_PRESENT ? valid(ServletRequests.currentHeader(SseProxy.LAST_EVENT_ID)) : null;
	}

	/**
	 * Whether a Spring MVC request is being served on this thread.
	 * @return whether a servlet request is bound to it
	 */
	static boolean isServletRequestBound() {
		return SERVLET_PRESENT && ServletRequests.isBound();
	}

	/**
	 * Whether the response is subscribed by an adapter that writes it itself (Spring
	 * MVC's {@link MvcResponse}).
	 * @param context the context of the subscriber of the response
	 * @return whether it is
	 */
	static boolean isWrittenByAdapter(ContextView context) {
		return context.hasKey(ABORT);
	}

	/**
	 * The {@code Last-Event-ID} of the WebFlux exchange in a Reactor context.
	 * @param context the context of the subscriber of the response
	 * @return the id, or {@code null}
	 */
	static @Nullable String lastEventId(ContextView context) {
		return exchange(context)
			.map((exchange) -> valid(exchange.getRequest().getHeaders().getFirst(SseProxy.LAST_EVENT_ID)))
			.orElse(null);
	}

	/**
	 * How to close the downstream connection of the WebFlux exchange in a Reactor
	 * context, at once, whatever is still waiting to be written to it.
	 * @param context the context of the subscriber of the response
	 * @return closes the connection, or {@code null} when that is not possible here
	 */
	static @Nullable Runnable abort(ContextView context) {
		Runnable adapter = context.getOrDefault(ABORT, null);
		if (adapter != null) {
			return adapter;
		}
		if (!REACTOR_NETTY_PRESENT) {
			return null;
		}
		return exchange(context).map((exchange) -> {
			ServerHttpResponse response = exchange.getResponse();
			while (response instanceof ServerHttpResponseDecorator decorator) {
				response = decorator.getDelegate();
			}
			if (response instanceof AbstractServerHttpResponse server
					&& nativeResponse(server) instanceof reactor.netty.Connection connection) {
				return (Runnable) () -> connection.channel().close();
			}
			return null;
		}).orElse(null);
	}

	/**
	 * Run an action when a WebFlux response is about to be committed.
	 * @param context the context of the downstream subscriber
	 * @param action the action; nothing happens on Spring MVC
	 */
	static void beforeCommit(ContextView context, Runnable action) {
		exchange(context).ifPresent((exchange) -> exchange.getResponse().beforeCommit(() -> {
			action.run();
			return Mono.empty();
		}));
	}

	private static @Nullable Object nativeResponse(AbstractServerHttpResponse response) {
		try {
			return response.getNativeResponse();
		}
		catch (IllegalStateException ex) {
			// A test's mock response (WebTestClient bound to a context) has no
			// connection.
			return null;
		}
	}

	private static Optional<ServerWebExchange> exchange(ContextView context) {
		return ServerWebExchangeContextFilter.getExchange(context);
	}

	/**
	 * The id a downstream {@code Last-Event-ID} stands for, if it is fit to pass
	 * upstream. Servers hand a header's bytes over as one character each (ISO-8859-1);
	 * browsers send an id as its UTF-8 bytes, so the value is decoded from UTF-8
	 * ({@link LastEventIdHeader#decode}). It is unfit, and then treated as absent (the
	 * stream is served as if the client sent none), when it is longer than
	 * {@value #MAX_LAST_EVENT_ID_LENGTH} bytes, when its bytes are not UTF-8 (an id the
	 * upstream sent, which is text, always is: such a value is not one of its ids), or
	 * when it holds a control character other than a tab, or DEL (which HTTP could not
	 * carry upstream, and servers refuse anyway).
	 * @param value the header value
	 * @return the id, or {@code null} if absent or unfit
	 */
	static @Nullable String valid(@Nullable String value) {
		if (value == null) {
			return null;
		}
		String id = (value.length() <= MAX_LAST_EVENT_ID_LENGTH) ? LastEventIdHeader.decode(value) : null;
		if (id == null || (!id.isEmpty() && LastEventIdHeader.encode(id) == null)) {
			if (logger.isDebugEnabled()) {
				logger.debug("Ignoring the downstream Last-Event-ID '" + LastEventIdHeader.printable(value)
						+ "': it is too long, not UTF-8, or holds a control character");
			}
			return null;
		}
		return id;
	}

	/**
	 * Servlet access, in a class of its own so that it loads only where the Servlet API
	 * is present.
	 */
	private static final class ServletRequests {

		static boolean isBound() {
			return org.springframework.web.context.request.RequestContextHolder
				.getRequestAttributes() instanceof org.springframework.web.context.request.ServletRequestAttributes;
		}

		static @Nullable String currentHeader(String name) {
			if (org.springframework.web.context.request.RequestContextHolder
				.getRequestAttributes() instanceof org.springframework.web.context.request.ServletRequestAttributes attributes) {
				return attributes.getRequest().getHeader(name);
			}
			return null;
		}

	}

}
