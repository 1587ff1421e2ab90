package io.httpsentinel.metrics;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.testsupport.LoopbackServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SentinelPoolMetrics}: gauges follow the pools Reactor Netty creates
 * and disposes.
 */
class SentinelPoolMetricsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String TOTAL = "reactor.netty.connection.provider.total.connections";

	private final LoopbackServer server = LoopbackServer
		.start((routes) -> routes.get("/", (request, response) -> response.sendString(Mono.just("ok"))));

	private final SentinelClient client = new SentinelClientFactory(WebClient::builder, null, List.of())
		.create("pooled", ClientSettings.DEFAULTS.withBaseUrl(this.server.baseUrl()));

	private final MeterRegistry registry = new SimpleMeterRegistry();

	@AfterEach
	void stop() {
		this.client.close();
		this.server.close();
	}

	@Test
	void gaugesAppearWithThePoolsFirstConnection() {
		new SentinelPoolMetrics(List.of(this.client)).bindTo(this.registry);
		assertThat(this.registry.find(TOTAL).meters()).isEmpty();
		call();
		assertThat(this.registry.get(TOTAL).tag("name", "sentinel-pooled").gauge().value()).isEqualTo(1);
		assertThat(this.registry.getMeters()).hasSize(6);
	}

	@Test
	void bindingAfterThePoolExistedRegistersItsGauges() {
		call();
		new SentinelPoolMetrics(List.of(this.client)).bindTo(this.registry);
		assertThat(this.registry.get(TOTAL).tag("name", "sentinel-pooled").gauge().value()).isEqualTo(1);
	}

	@Test
	void gaugesGoWithThePoolWhenTheClientCloses() {
		new SentinelPoolMetrics(List.of(this.client)).bindTo(this.registry);
		call();
		this.client.close();
		assertThat(this.registry.getMeters()).isEmpty();
	}

	private void call() {
		assertThat(this.client.webClient().get().uri("/").retrieve().bodyToMono(String.class).block(TIMEOUT))
			.isEqualTo("ok");
	}

}
