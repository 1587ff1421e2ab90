package io.httpsentinel.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.context.annotation.Bean;

import io.httpsentinel.autoconfigure.SentinelAutoConfiguration;
import io.httpsentinel.autoconfigure.SseProxyAutoConfiguration;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.metrics.SentinelClientMetrics;
import io.httpsentinel.metrics.SentinelPoolMetrics;
import io.httpsentinel.metrics.SentinelSseMetrics;
import io.httpsentinel.sse.proxy.SseProxy;

/**
 * Auto-configuration of the meters of every Sentinel client: {@code sentinel.client.*}
 * and the connection pool gauges, bound to Spring Boot's meter registry (so they appear
 * whatever {@code management.metrics.use-global-registry} says). Boot's
 * {@code management.metrics.enable.sentinel=false} turns the {@code sentinel.*} meters
 * off.
 */
@AutoConfiguration(
		after = { SentinelAutoConfiguration.class, SseProxyAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class })
@ConditionalOnClass({ MeterRegistry.class, MetricsAutoConfiguration.class })
@ConditionalOnBean({ MeterRegistry.class, SentinelClients.class })
public final class SentinelMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SentinelClientMetrics sentinelClientMetrics(SentinelClients clients) {
		return new SentinelClientMetrics(clients);
	}

	@Bean
	@ConditionalOnMissingBean
	SentinelPoolMetrics sentinelPoolMetrics(SentinelClients clients) {
		return new SentinelPoolMetrics(clients);
	}

	// The proxy takes this binder as one of its listeners (for the timers), so the binder
	// looks the proxy up only when it binds.
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(SseProxy.class)
	SentinelSseMetrics sentinelSseMetrics(SentinelClients clients, ObjectProvider<SseProxy> sseProxy) {
		return new SentinelSseMetrics(clients, sseProxy::getIfAvailable);
	}

}
