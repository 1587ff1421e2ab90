package io.httpsentinel.sample;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an application gets from the starter besides Sentinel (issue 15): no health
 * component and no meter of Spring Cloud's own, the breaker meters without bulkhead
 * gauges, and none of the libraries the starter used to drag in. The sample's class path
 * is what a user's is.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
// Generous: the first calls of a fresh context on a busy 2-core CI machine can take
// seconds.
@AutoConfigureWebTestClient(timeout = "30s")
@Import(OneRequestPerConnection.class)
class DependencyDietTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private WebTestClient webTestClient;

	@DynamicPropertySource
	static void demoUpstreamOnAFreePort(DynamicPropertyRegistry registry) {
		DemoUpstreamPorts.register(registry);
	}

	@Test
	void healthHasOnlySentinelsComponentAndBootsOwn() {
		Map<String, Object> health = get("/actuator/health");
		assertThat(health).extractingByKey("components")
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsOnlyKeys("sentinel", "diskSpace", "ping", "ssl", "livenessState", "readinessState");
	}

	@Test
	void metersAreSentinelsBootsAndTheBreakersWithoutBulkheadGauges() {
		@SuppressWarnings("unchecked")
		List<String> names = (List<String>) get("/actuator/metrics").get("names");
		assertThat(names).contains("resilience4j.circuitbreaker.state", "resilience4j.circuitbreaker.calls")
			.noneMatch((name) -> name.startsWith("resilience4j.") && !name.startsWith("resilience4j.circuitbreaker."))
			.noneMatch((name) -> name.startsWith("spring.cloud"));
	}

	@Test
	void classPathHasNoneOfTheLibrariesTheStarterLeftOut() {
		ClassLoader classLoader = getClass().getClassLoader();
		// Not Kotlin: the tests' MockWebServer brings it (test scope). The starter's
		// enforcer
		// rule keeps it out of applications.
		assertThat(List.of("org.springframework.cloud.context.scope.refresh.RefreshScope",
				"org.bouncycastle.jce.provider.BouncyCastleProvider",
				"org.springframework.security.crypto.encrypt.Encryptors", "com.fasterxml.jackson.databind.ObjectMapper",
				"io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
				"io.github.resilience4j.retry.Retry", "io.github.resilience4j.ratelimiter.RateLimiter",
				"io.github.resilience4j.bulkhead.Bulkhead"))
			.noneMatch((name) -> ClassUtils.isPresent(name, classLoader));
	}

	private Map<String, Object> get(String path) {
		return this.webTestClient.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JSON)
			.returnResult()
			.getResponseBody();
	}

}
