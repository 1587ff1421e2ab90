package io.httpsentinel.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.testsupport.LoopbackServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Meters stay bounded whatever the request paths: no meter of Sentinel's tags a path, and
 * {@code http.client.requests} tags the URI template.
 */
class MeterCardinalityTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final LoopbackServer server = LoopbackServer
		.start((routes) -> routes.get("/items/{id}", (request, response) -> response.sendString(Mono.just("item"))));

	private final ApplicationContextRunner contextRunner = BootMetrics.application()
		.withPropertyValues("sentinel.clients.items.base-url=" + this.server.baseUrl());

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void thousandDistinctPathsCreateNoMoreMetersThanTenCallsToOnePath() {
		List<String> onePath = meterIdsAfter(10, (i) -> "1");
		List<String> distinctPaths = meterIdsAfter(1000, Integer::toString);
		assertThat(distinctPaths).hasSizeLessThanOrEqualTo(onePath.size());
		assertThat(distinctPaths).filteredOn((id) -> id.startsWith("http.client.requests["))
			.isNotEmpty()
			.allSatisfy((id) -> assertThat(id).contains("uri=/items/{id}"));
	}

	@Test
	void pathsWrittenIntoTheUriAreCappedByBootsUriTagLimit() {
		// Concatenated paths are not templates: Boot stops at max-uri-tags values.
		this.contextRunner.withPropertyValues("management.metrics.web.client.max-uri-tags=10").run((context) -> {
			WebClient webClient = context.getBean(SentinelClients.class).get("items").webClient();
			Flux.range(0, 50)
				.concatMap((i) -> webClient.get().uri("/items/" + i).retrieve().bodyToMono(String.class))
				.blockLast(TIMEOUT);
			// The cap counts every value of the uri tag, "none" of the active-requests
			// meter
			// included.
			assertThat(context.getBean(MeterRegistry.class).find("http.client.requests").timers()).hasSizeBetween(2,
					10);
		});
	}

	private List<String> meterIdsAfter(int requests, IntFunction<String> id) {
		List<List<String>> ids = new java.util.ArrayList<>();
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(SentinelClients.class).get("items").webClient();
			Flux.range(0, requests)
				.flatMap((i) -> webClient.get().uri("/items/{id}", id.apply(i)).retrieve().bodyToMono(String.class), 8)
				.blockLast(TIMEOUT);
			ids.add(context.getBean(MeterRegistry.class)
				.getMeters()
				.stream()
				.map(MeterCardinalityTests::describe)
				.toList());
		});
		return ids.get(0);
	}

	private static String describe(Meter meter) {
		return meter.getId().getName() + meter.getId().getTags();
	}

}
