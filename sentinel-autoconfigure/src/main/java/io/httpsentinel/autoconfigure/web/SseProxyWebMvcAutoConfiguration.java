package io.httpsentinel.autoconfigure.web;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

import io.httpsentinel.autoconfigure.SseProxyAutoConfiguration;
import io.httpsentinel.sse.proxy.SseProxy;
import io.httpsentinel.sse.proxy.SseProxyReturnValueHandler;

/**
 * Auto-configuration that lets Spring MVC controllers return {@link SseProxy#forward} as
 * WebFlux controllers do: it puts the {@link SseProxyReturnValueHandler} in front of
 * every {@link RequestMappingHandlerAdapter}'s return value handlers.
 */
@AutoConfiguration(after = SseProxyAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ DispatcherServlet.class, SseProxy.class })
public final class SseProxyWebMvcAutoConfiguration {

	@Bean
	static BeanPostProcessor sseProxyReturnValueHandlerRegistrar() {
		return new SseProxyReturnValueHandlerRegistrar();
	}

	/**
	 * Registers the handler once an adapter is initialized (its handlers are only known
	 * then).
	 */
	static final class SseProxyReturnValueHandlerRegistrar implements BeanPostProcessor {

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (bean instanceof RequestMappingHandlerAdapter adapter) {
				SseProxyReturnValueHandler.register(adapter);
			}
			return bean;
		}

	}

}
