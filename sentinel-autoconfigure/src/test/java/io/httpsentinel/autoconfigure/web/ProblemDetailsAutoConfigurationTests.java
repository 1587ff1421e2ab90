package io.httpsentinel.autoconfigure.web;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.server.WebExceptionHandler;

import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which problem-details handler {@link ProblemDetailsAutoConfiguration} registers, and
 * when none.
 */
class ProblemDetailsAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations
		.of(ProblemDetailsAutoConfiguration.class);

	private final WebApplicationContextRunner servletContextRunner = new WebApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS)
		.withUserConfiguration(Clients.class);

	private final ReactiveWebApplicationContextRunner reactiveContextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS)
		.withUserConfiguration(Clients.class);

	@Test
	void registersTheLastExceptionResolverInAServletApplication() {
		this.servletContextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ProblemDetailsExceptionResolver.class)
				.doesNotHaveBean(ProblemDetailsWebExceptionHandler.class);
			assertThat(context.getBean(ProblemDetailsExceptionResolver.class).getOrder())
				.isEqualTo(org.springframework.core.Ordered.LOWEST_PRECEDENCE);
		});
	}

	@Test
	void registersAWebExceptionHandlerBeforeBootsInAReactiveApplication() {
		this.reactiveContextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ProblemDetailsWebExceptionHandler.class)
				.doesNotHaveBean(ProblemDetailsExceptionResolver.class);
			assertThat(context.getBean(ProblemDetailsWebExceptionHandler.class).getOrder()).isEqualTo(-2);
		});
	}

	@Test
	void registersNothingWhenSwitchedOff() {
		this.servletContextRunner.withPropertyValues("sentinel.web.problem-details.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HandlerExceptionResolver.class));
		this.reactiveContextRunner.withPropertyValues("sentinel.web.problem-details.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WebExceptionHandler.class));
	}

	@Test
	void registersNothingOutsideAWebApplication() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withUserConfiguration(Clients.class)
			.run((context) -> assertThat(context).doesNotHaveBean(HandlerExceptionResolver.class)
				.doesNotHaveBean(WebExceptionHandler.class));
	}

	@Test
	void registersNothingWithoutSentinelClients() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.run((context) -> assertThat(context).doesNotHaveBean(HandlerExceptionResolver.class));
	}

	@Test
	void registersNothingInAServletApplicationWithoutSpringMvc() {
		this.servletContextRunner.withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
			.run((context) -> assertThat(context).doesNotHaveBean(HandlerExceptionResolver.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class Clients {

		@Bean
		SentinelClients sentinelClients() {
			return new SentinelClients(List.of());
		}

	}

}
