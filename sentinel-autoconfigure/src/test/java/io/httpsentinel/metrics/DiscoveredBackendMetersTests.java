package io.httpsentinel.metrics;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.resilience.BackendEndpoint;
import io.httpsentinel.resilience.BackendSource;
import io.httpsentinel.resilience.ResilienceSupport;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-backend meters of a real {@code lb://} client as discovery changes its set of
 * backends: the meters of a backend that left go, those of a new one come, and the tag
 * never holds more than the set.
 */
class DiscoveredBackendMetersTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final List<LoopbackServer> servers = Stream
		.generate(() -> LoopbackServer
			.start((routes) -> routes.get("/", (request, response) -> response.sendString(Mono.just("ok")))))
		.limit(3)
		.toList();

	private final Sinks.Many<List<BackendEndpoint>> discovered = Sinks.many().replay().latest();

	private final TestClients clients = new TestClients();

	private final MeterRegistry registry = new SimpleMeterRegistry();

	@AfterEach
	void stop() {
		this.clients.close();
		this.servers.forEach(LoopbackServer::close);
	}

	@Test
	void metersFollowTheDiscoveredSet() {
		SentinelClient client = create();
		new SentinelClientMetrics(List.of(client)).bindTo(this.registry);
		assertThat(backendTags()).isEmpty();

		discover(0, 1);
		call(client);
		call(client);
		assertThat(backendTags()).containsExactlyInAnyOrder(address(0), address(1));
		assertThat(requests(0) + requests(1)).isEqualTo(2);

		discover(1, 2);
		assertThat(backendTags()).containsExactlyInAnyOrder(address(1), address(2));
		assertThat(this.registry.find("sentinel.client.backend.ejected").tag("backend", address(0)).meters()).isEmpty();
		assertThat(requests(2)).isZero();
		call(client);
		call(client);
		// The backend that stayed keeps its count.
		assertThat(requests(1) + requests(2)).isEqualTo(3);
	}

	private SentinelClient create() {
		BackendSource source = new BackendSource() {

			@Override
			public Flux<List<BackendEndpoint>> endpoints() {
				return DiscoveredBackendMetersTests.this.discovered.asFlux();
			}

			@Override
			public String description() {
				return "lb://llm";
			}

		};
		ResilienceSupport support = ResilienceSupport.standalone()
			.withBackendDiscovery((clientName, serviceId) -> source);
		return this.clients.create(new SentinelClientFactory(WebClient::builder, null, List.of(), support),
				URI.create("lb://llm"), (settings) -> settings);
	}

	private void discover(int... servers) {
		List<BackendEndpoint> endpoints = Arrays.stream(servers)
			.mapToObj((i) -> BackendEndpoint.of(this.servers.get(i).baseUrl()))
			.toList();
		assertThat(this.discovered.tryEmitNext(endpoints).isSuccess()).isTrue();
	}

	private void call(SentinelClient client) {
		client.webClient().get().uri("/").retrieve().toBodilessEntity().block(TIMEOUT);
	}

	private double requests(int server) {
		return this.registry.get("sentinel.client.backend.requests")
			.tags("client", "upstream", "backend", address(server))
			.functionCounter()
			.count();
	}

	private List<String> backendTags() {
		return BackendMetersTests.backendTags(this.registry);
	}

	private String address(int server) {
		return "http://127.0.0.1:" + this.servers.get(server).baseUrl().getPort();
	}

}
