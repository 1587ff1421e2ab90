package io.httpsentinel.autoconfigure.web;

import java.time.Clock;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;

import io.httpsentinel.autoconfigure.SentinelAutoConfiguration;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.client.UpstreamProblem;

/**
 * Auto-configuration of the problem-details answers to Sentinel's errors
 * ({@link UpstreamProblem}) in Spring MVC and WebFlux applications, at the lowest
 * precedence so that any handler of the application wins;
 * {@code sentinel.web.problem-details.enabled=false} turns them off.
 */
@AutoConfiguration(after = SentinelAutoConfiguration.class)
@ConditionalOnWebApplication
@ConditionalOnBean(SentinelClients.class)
@ConditionalOnBooleanProperty(name = "sentinel.web.problem-details.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SentinelWebProperties.class)
public final class ProblemDetailsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(DispatcherServlet.class)
	static class ServletConfiguration {

		@Bean
		ProblemDetailsExceptionResolver sentinelProblemDetailsExceptionResolver(SentinelClients clients) {
			return new ProblemDetailsExceptionResolver(new ProblemDetailsMapping(clients, Clock.systemUTC()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	static class ReactiveConfiguration {

		@Bean
		ProblemDetailsWebExceptionHandler sentinelProblemDetailsWebExceptionHandler(SentinelClients clients) {
			return new ProblemDetailsWebExceptionHandler(new ProblemDetailsMapping(clients, Clock.systemUTC()));
		}

	}

}
