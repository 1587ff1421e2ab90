package io.httpsentinel.sample;

import java.util.List;
import java.util.Map;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.httpsentinel.sample.upstream.DemoUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end: the client {@code demo-pool} spreads its calls over the demo upstream and
 * its replica, and when the replica fails, retries go to the upstream and the replica is
 * ejected; every call the app answers succeeds.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
// Generous: the first calls of a fresh context on a busy 2-core CI machine can take
// seconds.
@AutoConfigureWebTestClient(timeout = "30s")
@Import(OneRequestPerConnection.class)
class PoolTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private WebTestClient webTestClient;

	@Autowired
	private DemoUpstream demoUpstream;

	@DynamicPropertySource
	static void demoUpstreamOnFreePorts(DynamicPropertyRegistry registry) {
		DemoUpstreamPorts.register(registry);
	}

	@Test
	void oneCallNamesTheBackendThatAnswered() {
		Map<String, Object> answer = get("/api/pool/weather/Oslo");
		assertThat(answer.get("backend")).isIn(primary(), replica());
		assertThat(answer.get("weather")).asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("city", "Oslo");
	}

	@Test
	void callsSpreadOverBothBackends() {
		Map<String, Object> spread = get("/api/pool/spread?calls=10");
		assertThat(spread).containsEntry("calls", 10);
		assertThat(answeredBy(spread)).containsOnlyKeys(primary(), replica())
			.allSatisfy((backend, calls) -> assertThat(calls).as(backend).isBetween(3, 7));
	}

	@Test
	@DirtiesContext // the replica stays ejected for 30s
	void aFailingReplicaIsEjectedAndItsCallsAreRetriedOnTheOtherBackend() {
		Map<String, Object> spread = get("/api/pool/spread?calls=20&replicaFailing=true");
		assertThat(answeredBy(spread)).containsExactly(Map.entry(primary(), 20));
		Map<String, Object> replica = backends(spread).stream()
			.filter((backend) -> backend.get("address").equals("http://" + replica()))
			.findFirst()
			.orElseThrow();
		// Five 503s in a row (outlier-detection.consecutive-5xx) eject it; no attempt
		// reaches it after that.
		assertThat(replica).containsEntry("ejected", true).containsEntry("failures", 5).containsEntry("requests", 5);
	}

	private Map<String, Object> get(String uri) {
		return this.webTestClient.get()
			.uri(uri)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JSON_OBJECT)
			.returnResult()
			.getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Integer> answeredBy(Map<String, Object> spread) {
		return (Map<String, Integer>) spread.get("answeredBy");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> backends(Map<String, Object> spread) {
		return (List<Map<String, Object>>) spread.get("backends");
	}

	private String primary() {
		return "127.0.0.1:" + this.demoUpstream.port();
	}

	private String replica() {
		return "127.0.0.1:" + this.demoUpstream.replicaPort();
	}

}
