package io.httpsentinel.autoconfigure.loadbalancer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.tcp.SslProvider;
import reactor.test.StepVerifier;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.resilience.BackendView;
import io.httpsentinel.resilience.NoBackendAvailableException;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.SelfSignedCertificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A client whose base URL names a service ({@code lb://vllm/v1}) whose instances are
 * Spring Cloud LoadBalancer's static ones: real loopback servers behind it.
 */
class LoadBalancedClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = LoadBalancerApplication.contextRunner();

	private final ConcurrentMap<String, AtomicInteger> served = new ConcurrentHashMap<>();

	private final List<LoopbackServer> servers = new ArrayList<>();

	@TempDir
	Path directory;

	@AfterEach
	void stop() {
		this.servers.forEach(LoopbackServer::close);
	}

	@Test
	void callsThroughBothClientKindsAreSpreadOverTheInstancesUnderTheBasePath() {
		LoopbackServer first = start("first", HttpServer.create(), "http");
		LoopbackServer second = start("second", HttpServer.create(), "http");
		this.contextRunner
			.withPropertyValues("sentinel.clients.vllm.base-url=lb://vllm/v1", instance(0, first), instance(1, second))
			.run((context) -> {
				SentinelClient client = awaitBackends(context, 2);
				for (int i = 0; i < 10; i++) {
					assertThat(
							client.webClient().get().uri("/models").retrieve().bodyToMono(String.class).block(TIMEOUT))
						.endsWith(" /v1/models");
					assertThat(client.restClient().get().uri("/models").retrieve().body(String.class))
						.endsWith(" /v1/models");
				}
				// Weighted round robin over two backends of weight 1: an even split.
				assertThat(this.served).containsOnlyKeys("first", "second");
				assertThat(this.served.get("first")).hasValue(10);
				assertThat(this.served.get("second")).hasValue(10);
			});
	}

	@Test
	void aSecureInstanceIsReachedOverTlsWithTheClientsSslBundle() throws Exception {
		SelfSignedCertificate certificate = SelfSignedCertificate.create(this.directory);
		SslProvider.GenericSslContextSpec<?> sslContext = Http11SslContextSpec.forServer(certificate.privateKey(),
				certificate.certificate());
		LoopbackServer plain = start("plain", HttpServer.create(), "http");
		LoopbackServer secure = start("secure", HttpServer.create().secure((spec) -> spec.sslContext(sslContext)),
				"https");
		this.contextRunner
			.withPropertyValues("sentinel.clients.vllm.base-url=lb://vllm", instance(0, plain), instance(1, secure),
					"spring.ssl.bundle.pem.upstream.truststore.certificate=file:"
							+ certificate.certificatePem().toAbsolutePath(),
					"sentinel.clients.vllm.ssl.bundle=upstream")
			.run((context) -> {
				SentinelClient client = awaitBackends(context, 2);
				for (int i = 0; i < 4; i++) {
					client.webClient().get().uri("/").retrieve().bodyToMono(String.class).block(TIMEOUT);
				}
				assertThat(this.served.get("plain")).hasValue(2);
				assertThat(this.served.get("secure")).hasValue(2);
			});
	}

	@Test
	void aServiceWithoutInstancesFailsEachCallWithNoBackendAvailable() {
		this.contextRunner.withPropertyValues("sentinel.clients.vllm.base-url=lb://nowhere").run((context) -> {
			SentinelClient client = context.getBean(SentinelClients.class).get("vllm");
			StepVerifier.create(client.webClient().get().uri("/").retrieve().bodyToMono(String.class))
				.expectError(NoBackendAvailableException.class)
				.verify(TIMEOUT);
			assertThatExceptionOfType(NoBackendAvailableException.class)
				.isThrownBy(() -> client.restClient().get().uri("/").retrieve().body(String.class))
				.withMessageContaining("lb://nowhere");
		});
	}

	private LoopbackServer start(String name, HttpServer server, String scheme) {
		LoopbackServer started = LoopbackServer.start(server.handle((request, response) -> {
			this.served.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
			return response.sendString(Mono.just(name + " " + request.uri()));
		}), scheme);
		this.servers.add(started);
		return started;
	}

	private static String instance(int index, LoopbackServer server) {
		return "spring.cloud.discovery.client.simple.instances.vllm[" + index + "].uri=" + server.baseUrl("localhost");
	}

	/**
	 * The client, once discovery has found the given number of backends (it reads them
	 * off the startup thread).
	 */
	private static SentinelClient awaitBackends(AssertableApplicationContext context, int count) {
		assertThat(context).hasNotFailed();
		SentinelClient client = context.getBean(SentinelClients.class).get("vllm");
		StepVerifier
			.create(Flux.interval(Duration.ofMillis(10))
				.map((tick) -> client.backends().orElseThrow().backends().stream().map(BackendView::address).toList())
				.filter((addresses) -> addresses.size() == count)
				.take(1))
			.expectNextCount(1)
			.expectComplete()
			.verify(TIMEOUT);
		return client;
	}

}
