package io.httpsentinel.autoconfigure;

import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.sse.proxy.SseProxy;
import io.httpsentinel.sse.proxy.SseProxyListener;

/**
 * Auto-configuration of the {@link SseProxy}: its global limits from
 * {@code sentinel.sse.*}, every {@link SseProxyListener} bean, the end of its streams on
 * shutdown, and, in a WebFlux application, Spring's
 * {@link ServerWebExchangeContextFilter} so that the proxy finds the downstream request
 * (its {@code Last-Event-ID}, its connection) in the Reactor context.
 */
@AutoConfiguration(after = SentinelAutoConfiguration.class)
@ConditionalOnClass({ WebClient.class, HttpClient.class })
@EnableConfigurationProperties(SentinelProperties.class)
public final class SseProxyAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SseProxy sseProxy(SentinelProperties properties, ObjectProvider<SseProxyListener> listeners) {
		SseProxyProperties sse = properties.getSse();
		SseProxy.Builder builder = SseProxy.builder()
			.listener(SseProxyListener.composite(listeners.orderedStream().toList()));
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
			throw new InvalidConfigurationPropertyValueException("sentinel.sse.shutdown-retry", sse.getShutdownRetry(),
					"must not be negative");
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
