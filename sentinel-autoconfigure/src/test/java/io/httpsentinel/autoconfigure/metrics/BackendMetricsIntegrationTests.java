package io.httpsentinel.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.testsupport.LoopbackServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code sentinel.client.backend.*} meters of a client configured with
 * {@code endpoints} over three loopback backends, one of which answers 500 until outlier
 * detection ejects it: the full auto-configuration with Boot's meter registry.
 */
class BackendMetricsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final LoopbackServer first = ok();

	private final LoopbackServer second = ok();

	private final LoopbackServer failing = LoopbackServer
		.start((routes) -> routes.get("/", (request, response) -> response.status(500).send()));

	private final ApplicationContextRunner contextRunner = BootMetrics.application()
		.withPropertyValues("sentinel.clients.llm.endpoints[0]=" + this.first.baseUrl(),
				"sentinel.clients.llm.endpoints[1]=" + this.second.baseUrl(),
				"sentinel.clients.llm.endpoints[2]=" + this.failing.baseUrl(),
				"sentinel.clients.llm.outlier-detection.consecutive-5xx=2", "sentinel.clients.llm.retry.max-retries=0",
				"sentinel.clients.llm.circuit-breaker.enabled=false",
				"sentinel.clients.one.base-url=" + this.first.baseUrl());

	@AfterEach
	void stop() {
		this.first.close();
		this.second.close();
		this.failing.close();
	}

	@Test
	void aFailingBackendIsCountedAndEjectedWhileTheOthersTakeTheRest() {
		this.contextRunner.run((context) -> {
			for (int i = 0; i < 12; i++) {
				call(context);
			}
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			String failingAddress = address(this.failing);
			// Round robin: the failing backend gets every third call until its second
			// failure in a row ejects it.
			assertThat(count(registry, "requests", failingAddress)).isEqualTo(2);
			assertThat(count(registry, "failures", failingAddress)).isEqualTo(2);
			assertThat(count(registry, "ejections", failingAddress)).isEqualTo(1);
			assertThat(ejected(registry, failingAddress)).isEqualTo(1);
			for (LoopbackServer healthy : List.of(this.first, this.second)) {
				assertThat(count(registry, "failures", address(healthy))).isZero();
				assertThat(ejected(registry, address(healthy))).isZero();
			}
			assertThat(count(registry, "requests", address(this.first))
					+ count(registry, "requests", address(this.second)))
				.isEqualTo(10);
		});
	}

	@Test
	void theBackendTagTakesOnlyTheConfiguredAddressesAndAClientWithOneBaseUrlHasNone() {
		this.contextRunner.run((context) -> {
			for (int i = 0; i < 6; i++) {
				call(context);
			}
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("sentinel.client.backend.requests").functionCounters())
				.extracting((counter) -> counter.getId().getTag("backend"))
				.containsExactlyInAnyOrder(address(this.first), address(this.second), address(this.failing));
			assertThat(registry.find("sentinel.client.backend.requests").tag("client", "one").meters()).isEmpty();
			assertThat(registry.getMeters())
				.filteredOn((meter) -> meter.getId().getName().startsWith("sentinel.client.backend."))
				.hasSize(12);
		});
	}

	private static void call(ApplicationContext context) {
		context.getBean(SentinelClients.class)
			.get("llm")
			.webClient()
			.get()
			.uri("/")
			.retrieve()
			.toBodilessEntity()
			.onErrorComplete()
			.block(TIMEOUT);
	}

	private static double count(MeterRegistry registry, String name, String backend) {
		return registry.get("sentinel.client.backend." + name)
			.tags("client", "llm", "backend", backend)
			.functionCounter()
			.count();
	}

	private static double ejected(MeterRegistry registry, String backend) {
		return registry.get("sentinel.client.backend.ejected")
			.tags("client", "llm", "backend", backend)
			.gauge()
			.value();
	}

	private static String address(LoopbackServer server) {
		return "http://127.0.0.1:" + server.baseUrl().getPort();
	}

	private static LoopbackServer ok() {
		return LoopbackServer
			.start((routes) -> routes.get("/", (request, response) -> response.sendString(Mono.just("ok"))));
	}

}
