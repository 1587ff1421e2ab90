package io.httpsentinel.autoconfigure.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ResponseEntity;

import io.httpsentinel.autoconfigure.SseProxyAutoConfiguration;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.metrics.SentinelSseMetrics;
import io.httpsentinel.sse.proxy.SseProxy;
import io.httpsentinel.testsupport.LoopbackServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code sentinel.sse.*} meters moving with a stream forwarded by {@link SseProxy}
 * from a real upstream on loopback.
 */
class SentinelSseMetricsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String STREAM = "id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n";

	private LoopbackServer upstream;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() {
		this.upstream = LoopbackServer.start((routes) -> routes.get("/events",
				(request, response) -> response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
					.sendString(Mono.just(STREAM))));
		this.contextRunner = BootMetrics.application()
			.withConfiguration(AutoConfigurations.of(SseProxyAutoConfiguration.class))
			.withPropertyValues("sentinel.clients.up.base-url=" + this.upstream.baseUrl());
	}

	@AfterEach
	void stop() {
		this.upstream.close();
	}

	@Test
	void aForwardedStreamMovesTheSseMeters() {
		this.contextRunner.run((context) -> {
			SseProxy proxy = context.getBean(SseProxy.class);
			SentinelClients clients = context.getBean(SentinelClients.class);
			ResponseEntity<Flux<DataBuffer>> response = proxy
				.forward(clients.get("up"), (web) -> web.get().uri("/events"))
				.block(TIMEOUT);
			String forwarded = DataBufferUtils.join(response.getBody()).map((buffer) -> {
				try {
					return buffer.toString(StandardCharsets.UTF_8);
				}
				finally {
					DataBufferUtils.release(buffer);
				}
			}).block(TIMEOUT);
			assertThat(forwarded).contains(STREAM);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(count(registry, "sentinel.sse.events")).isEqualTo(3);
			assertThat(count(registry, "sentinel.sse.bytes")).isGreaterThanOrEqualTo(STREAM.length());
			assertThat(count(registry, "sentinel.sse.streams.opened")).isEqualTo(1);
			assertThat(count(registry, "sentinel.sse.streams.refused")).isZero();
			assertThat(registry.get("sentinel.sse.streams.active").tag("client", "up").gauge().value()).isZero();
			assertThat(registry.get("sentinel.sse.resumes").tag("client", "up").functionCounters()).hasSize(3);
			assertThat(registry.get("sentinel.sse.slow.clients").tag("client", "up").functionCounters()).hasSize(2);
			assertThat(registry.get("sentinel.sse.time.to.first.event").tag("client", "up").timer().count())
				.isEqualTo(1);
			assertThat(registry.get("sentinel.sse.stream.duration")
				.tag("client", "up")
				.tag("end", "completed")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get("sentinel.sse.events").functionCounter().getId().getBaseUnit()).isEqualTo("events");
			assertThat(registry.get("sentinel.sse.events").functionCounter().getId().getDescription()).isNotBlank();
		});
	}

	@Test
	void metersAreOffWithBootsSwitch() {
		this.contextRunner.withPropertyValues("management.metrics.enable.sentinel=false")
			.run((context) -> assertThat(context.getBean(MeterRegistry.class).find("sentinel.sse.events").meters())
				.isEmpty());
	}

	@Test
	void binderBacksOffForAUserBinderAndIsAbsentWithoutTheProxy() {
		this.contextRunner
			.withBean("userSseMetrics", SentinelSseMetrics.class,
					() -> new SentinelSseMetrics(java.util.List.of(), () -> null))
			.run((context) -> assertThat(context).getBeans(SentinelSseMetrics.class)
				.containsOnlyKeys("userSseMetrics"));
		BootMetrics.application()
			.withPropertyValues("sentinel.clients.up.base-url=" + this.upstream.baseUrl())
			.run((context) -> assertThat(context).doesNotHaveBean(SentinelSseMetrics.class));
	}

	private static double count(MeterRegistry registry, String name) {
		return registry.get(name).tag("client", "up").functionCounter().count();
	}

}
