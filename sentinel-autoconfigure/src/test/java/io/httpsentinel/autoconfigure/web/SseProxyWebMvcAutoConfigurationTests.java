package io.httpsentinel.autoconfigure.web;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

import io.httpsentinel.sse.proxy.SseProxyReturnValueHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseProxyWebMvcAutoConfiguration}.
 */
class SseProxyWebMvcAutoConfigurationTests {

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, SseProxyWebMvcAutoConfiguration.class));

	@Test
	void putsTheHandlerInFrontOfSpringMvcsOwnOnce() {
		this.servlet.run((context) -> {
			RequestMappingHandlerAdapter adapter = context.getBean(RequestMappingHandlerAdapter.class);
			List<HandlerMethodReturnValueHandler> handlers = adapter.getReturnValueHandlers();
			assertThat(handlers).first().isInstanceOf(SseProxyReturnValueHandler.class);
			SseProxyReturnValueHandler.register(adapter);
			assertThat(adapter.getReturnValueHandlers()).hasSameSizeAs(handlers)
				.filteredOn(SseProxyReturnValueHandler.class::isInstance)
				.hasSize(1);
		});
	}

	@Test
	void doesNothingInAReactiveApplication() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseProxyWebMvcAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean("sseProxyReturnValueHandlerRegistrar"));
	}

}
