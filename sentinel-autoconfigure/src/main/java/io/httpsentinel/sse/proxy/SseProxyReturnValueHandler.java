package io.httpsentinel.sse.proxy;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.method.support.AsyncHandlerMethodReturnValueHandler;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.HandlerMethodReturnValueHandlerComposite;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Lets a Spring MVC controller return {@link SseProxy#forward} (or
 * {@link SseForward#toResponse()}) exactly as a WebFlux controller does: the returned
 * {@code Mono} is recognized at run time and written as
 * {@link SseForward#toResponseBodyEmitter()} writes it (the stream's bytes, status and
 * headers through a {@code ResponseBodyEmitter}). Spring Boot's auto-configuration
 * registers it; without Boot, call {@link #register} once the adapter is initialized.
 * <p>
 * Spring MVC picks a return value handler by the method's declared type, and its own
 * handlers of {@code Mono} (and of every {@code @ResponseBody} method) come first, so
 * this handler is put in front of them: it claims the methods whose declared type could
 * hold a forwarded stream ({@code Mono}, {@code Publisher}, {@code Object}) and passes
 * every other value to the handlers that would have handled it, which it holds.
 */
public final class SseProxyReturnValueHandler implements AsyncHandlerMethodReturnValueHandler {

	private final HandlerMethodReturnValueHandlerComposite others;

	/**
	 * A handler in front of the given ones.
	 * @param others the handlers that handle every value that is not a forwarded stream,
	 * in their order
	 */
	public SseProxyReturnValueHandler(List<? extends HandlerMethodReturnValueHandler> others) {
		this.others = new HandlerMethodReturnValueHandlerComposite().addHandlers(others);
	}

	/**
	 * Put a handler in front of an adapter's return value handlers (once: an adapter that
	 * has one is left as it is).
	 * @param adapter the adapter, initialized ({@code afterPropertiesSet} has run)
	 * @throws IllegalStateException if the adapter has no handlers yet
	 */
	public static void register(RequestMappingHandlerAdapter adapter) {
		List<HandlerMethodReturnValueHandler> handlers = adapter.getReturnValueHandlers();
		if (handlers == null) {
			throw new IllegalStateException("The RequestMappingHandlerAdapter is not initialized yet: "
					+ "register the SseProxyReturnValueHandler after afterPropertiesSet()");
		}
		for (HandlerMethodReturnValueHandler handler : handlers) {
			if (handler instanceof SseProxyReturnValueHandler) {
				return;
			}
		}
		List<HandlerMethodReturnValueHandler> all = new ArrayList<>(handlers.size() + 1);
		all.add(new SseProxyReturnValueHandler(handlers));
		all.addAll(handlers);
		adapter.setReturnValueHandlers(all);
	}

	@Override
	public boolean supportsReturnType(MethodParameter returnType) {
		return returnType.getParameterType().isAssignableFrom(ForwardedStream.class);
	}

	@Override
	public boolean isAsyncReturnValue(@Nullable Object returnValue, MethodParameter returnType) {
		return returnValue instanceof ForwardedStream;
	}

	@Override
	public void handleReturnValue(@Nullable Object returnValue, MethodParameter returnType,
			ModelAndViewContainer mavContainer, NativeWebRequest webRequest) throws Exception {
		if (returnValue instanceof ForwardedStream stream) {
			WebAsyncUtils.getAsyncManager(webRequest)
				.startDeferredResultProcessing(stream.toResponseBodyEmitter(), mavContainer);
			return;
		}
		this.others.handleReturnValue(returnValue, returnType, mavContainer, webRequest);
	}

}
