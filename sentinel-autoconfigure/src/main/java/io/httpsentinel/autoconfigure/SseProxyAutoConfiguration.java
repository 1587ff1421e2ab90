package io.httpsentinel.autoconfigure;

import java.util.concurrent.Executor;

import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.SettingText;
import io.httpsentinel.sse.proxy.SseProxy;
import io.httpsentinel.sse.proxy.SseProxyListener;

/**
 * Auto-configuration of the {@link SseProxy}: its global limits from
 * {@code sentinel.sse.*}, every {@link SseProxyListener} bean, the end of its streams on
 * shutdown, Spring MVC writes on Boot's {@code applicationTaskExecutor} when virtual
 * threads are enabled ({@code spring.threads.virtual.enabled}), and, in a WebFlux
 * application, Spring's {@link ServerWebExchangeContextFilter} so that the proxy finds
 * the downstream request (its {@code Last-Event-ID}, its connection) in the Reactor
 * context.
 */
@AutoConfiguration(after = SentinelAutoConfiguration.class)
@ConditionalOnClass({ WebClient.class, HttpClient.class })
@EnableConfigurationProperties(SentinelProperties.class)
public final class SseProxyAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SseProxy sseProxy(SentinelProperties properties, ObjectProvider<SseProxyListener> listeners,
			Environment environment, @Qualifier("applicationTaskExecutor") ObjectProvider<Executor> taskExecutor) {
		SseProxyProperties sse = properties.getSse();
		SseProxy.Builder builder = SseProxy.builder()
			.listener(SseProxyListener.composite(listeners.orderedStream().toList()));
		if (Threading.VIRTUAL.isActive(environment)) {
			// Spring MVC streams then write on virtual threads, like the requests.
			taskExecutor.ifAvailable(builder::executor);
		}
		try {
			builder.maxStreams(sse.getMaxStreams());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("sentinel.sse.max-streams", sse.getMaxStreams(),
					"must be -1 (no limit) or at least 1");
		}
		try {
			builder.shutdownRetry(sse.getShutdownRetry());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("sentinel.sse.shutdown-retry",
					SettingText.of(sse.getShutdownRetry()), "must not be negative");
		}
		return builder.build();
	}

	@Bean
	SseProxyShutdown sseProxyShutdown(ObjectProvider<SseProxy> sseProxy) {
		return new SseProxyShutdown(sseProxy);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	static class ReactiveWebConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ServerWebExchangeContextFilter serverWebExchangeContextFilter() {
			return new ServerWebExchangeContextFilter();
		}

	}

}
