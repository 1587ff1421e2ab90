package io.httpsentinel.autoconfigure.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.ClientRequestObservationConvention;
import org.springframework.web.reactive.function.client.DefaultClientRequestObservationConvention;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.autoconfigure.SpringCloudCircuitBreaker;
import io.httpsentinel.client.SentinelClientCustomizer;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.metrics.ClientTagMeterFilter;
import io.httpsentinel.testsupport.LoopbackServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SentinelObservationAutoConfiguration}: real requests to a loopback
 * server through clients built from Spring Boot's observed {@code WebClient.Builder}.
 */
class SentinelObservationAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final LoopbackServer server = LoopbackServer
		.start((routes) -> routes.get("/items/{id}", (request, response) -> response.sendString(Mono.just("item"))));

	private final ApplicationContextRunner contextRunner = BootMetrics.application()
		.withPropertyValues("sentinel.clients.weather.base-url=" + this.server.baseUrl());

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void requestMeterNamesTheClientAndKeepsBootsTags() {
		this.contextRunner.run((context) -> {
			get(context, "/items/{id}", 42);
			Timer timer = context.getBean(MeterRegistry.class)
				.get("http.client.requests")
				.tag("client", "weather")
				.tag("uri", "/items/{id}")
				.tag("status", "200")
				.tag("outcome", "SUCCESS")
				.tag("method", "GET")
				.tag("client.name", "127.0.0.1")
				.timer();
			assertThat(timer.count()).isEqualTo(1);
		});
	}

	@Test
	void restClientRequestMeterNamesTheClientAndKeepsBootsTags() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class,
					RestClientObservationAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class))
			.run((context) -> {
				String item = context.getBean(SentinelClients.class)
					.get("weather")
					.restClient()
					.get()
					.uri("/items/{id}", 42)
					.retrieve()
					.body(String.class);
				assertThat(item).isEqualTo("item");
				Timer timer = context.getBean(MeterRegistry.class)
					.get("http.client.requests")
					.tag("client", "weather")
					.tag("uri", "/items/{id}")
					.tag("status", "200")
					.tag("outcome", "SUCCESS")
					.tag("method", "GET")
					.timer();
				assertThat(timer.count()).isEqualTo(1);
			});
	}

	@Test
	void activeRequestsMeterNamesTheClientToo() {
		this.contextRunner.run((context) -> {
			get(context, "/items/{id}", 42);
			assertThat(context.getBean(MeterRegistry.class)
				.find("http.client.requests.active")
				.tag("client", "weather")
				.longTaskTimer()).isNotNull();
		});
	}

	@Test
	void observationNameFromBootsPropertyIsKept() {
		this.contextRunner.withPropertyValues("management.observations.http.client.requests.name=outbound")
			.run((context) -> {
				get(context, "/items/{id}", 42);
				assertThat(
						context.getBean(MeterRegistry.class).get("outbound").tag("client", "weather").timer().count())
					.isEqualTo(1);
			});
	}

	@Test
	void applicationsOwnConventionIsExtendedWithTheClient() {
		this.contextRunner.withUserConfiguration(OwnConvention.class).run((context) -> {
			get(context, "/items/{id}", 42);
			assertThat(context.getBean(MeterRegistry.class)
				.get("own.requests")
				.tag("client", "weather")
				.tag("uri", "/items/{id}")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void otherWebClientsShareTheTagKeysSoPrometheusExportsBoth() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(PrometheusMetricsExportAutoConfiguration.class))
			.run((context) -> {
				// A plain WebClient first: its meter fixes the tag keys Prometheus
				// accepts.
				context.getBean(WebClient.Builder.class)
					.baseUrl(this.server.baseUrl().toString())
					.build()
					.get()
					.uri("/items/{id}", 1)
					.retrieve()
					.bodyToMono(String.class)
					.block(TIMEOUT);
				get(context, "/items/{id}", 2);
				String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
				assertThat(scrape).containsPattern("http_client_requests_seconds_count\\{[^}]*client=\"none\"")
					.containsPattern("http_client_requests_seconds_count\\{[^}]*client=\"weather\"");
			});
	}

	@Test
	void backsOffWithoutObservations() {
		new ApplicationContextRunner().withConfiguration(BootMetrics.SENTINEL)
			.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS)
			.withConfiguration(AutoConfigurations.of(SentinelObservationAutoConfiguration.class))
			.withPropertyValues("sentinel.clients.weather.base-url=" + this.server.baseUrl())
			.run((context) -> {
				assertThat(context).hasSingleBean(SentinelClients.class);
				assertThat(context).doesNotHaveBean(SentinelClientCustomizer.class);
			});
	}

	@Test
	void keyWithoutMeterFilterWhenMicrometerMetricsAreAbsent() {
		new ApplicationContextRunner().withConfiguration(BootMetrics.SENTINEL)
			.withConfiguration(BootMetrics.OBSERVATIONS)
			.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS)
			.withConfiguration(AutoConfigurations.of(SentinelObservationAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.withPropertyValues("sentinel.clients.weather.base-url=" + this.server.baseUrl())
			.run((context) -> {
				assertThat(context).hasSingleBean(SentinelClientCustomizer.class);
				assertThat(context).doesNotHaveBean(ClientTagMeterFilter.class);
				assertThat(get(context, "/items/{id}", 42)).isEqualTo("item");
			});
	}

	private String get(ApplicationContext context, String uri, Object variable) {
		return context.getBean(SentinelClients.class)
			.get("weather")
			.webClient()
			.get()
			.uri(uri, variable)
			.retrieve()
			.bodyToMono(String.class)
			.block(TIMEOUT);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnConvention {

		@Bean
		ClientRequestObservationConvention ownConvention() {
			return new DefaultClientRequestObservationConvention("own.requests");
		}

	}

}
