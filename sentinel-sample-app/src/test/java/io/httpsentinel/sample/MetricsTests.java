package io.httpsentinel.sample;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end: Sentinel's meters in the app's Prometheus scrape, under the names the
 * Grafana dashboard queries, and the snapshot API as the sample exposes it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
// Generous: the first calls of a fresh context on a busy 2-core CI machine can take
// seconds.
@AutoConfigureWebTestClient(timeout = "30s")
@Import(OneRequestPerConnection.class)
class MetricsTests {

	private static final ParameterizedTypeReference<Map<String, Map<String, Object>>> SNAPSHOTS = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private WebTestClient webTestClient;

	@DynamicPropertySource
	static void demoUpstreamOnAFreePort(DynamicPropertyRegistry registry) {
		DemoUpstreamPorts.register(registry);
	}

	@Test
	void prometheusScrapeHasTheMetersTheDashboardCharts() {
		// One 503, retried: a retry for a status, then a success.
		this.webTestClient.get().uri("/api/weather/Bergen?flaky=true").exchange().expectStatus().isOk();
		String scrape = scrape();
		assertThat(value(scrape, "http_client_requests_seconds_count", "client=\"weather\"", "status=\"200\""))
			.isGreaterThanOrEqualTo(1);
		assertThat(scrape).contains("http_client_requests_seconds_bucket{");
		assertThat(value(scrape, "sentinel_client_retries_total", "client=\"weather\"", "reason=\"status\""))
			.isGreaterThanOrEqualTo(1);
		assertThat(value(scrape, "sentinel_client_host_paused_until_seconds", "client=\"weather\"")).isZero();
		assertThat(scrape).contains("sentinel_client_retry_budget_exhausted_calls_total{client=\"weather\"}",
				"sentinel_client_rate_limit_waits_seconds_count{client=\"weather\"}",
				"sentinel_client_rate_limit_rejected_calls_total{client=\"weather\"}",
				"sentinel_client_host_pauses_total{client=\"weather\"}",
				"sentinel_client_host_pause_rejected_calls_total{client=\"weather\"}");
		assertThat(value(scrape, "reactor_netty_connection_provider_max_connections", "name=\"sentinel-weather\""))
			.isEqualTo(20);
		assertThat(scrape).contains("reactor_netty_connection_provider_active_connections{",
				"reactor_netty_connection_provider_idle_connections{",
				"reactor_netty_connection_provider_pending_connections{");
		assertThat(value(scrape, "resilience4j_circuitbreaker_state", "name=\"weather\"", "state=\"closed\""))
			.isEqualTo(1);
		assertThat(scrape).contains("resilience4j_circuitbreaker_not_permitted_calls_total{",
				"resilience4j_circuitbreaker_failure_rate{");
		assertThat(scrape).contains("sentinel_sse_streams_active_streams{client=\"weather\"}",
				"sentinel_sse_events_total{client=\"weather\"}");
	}

	@Test
	void snapshotsOfEveryClientAreServedAsJson() {
		this.webTestClient.get().uri("/api/weather/Oslo").exchange().expectStatus().isOk();
		Map<String, Map<String, Object>> snapshots = this.webTestClient.get()
			.uri("/api/clients/metrics")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(SNAPSHOTS)
			.returnResult()
			.getResponseBody();
		assertThat(snapshots).containsOnlyKeys("weather", "llm", "flaky-llm", "sensors", "demo-pool");
		assertThat(snapshots.get("weather")).containsKeys("totals", "latency", "pool", "breaker", "rateLimit");
		assertThat(snapshots.get("weather").get("breaker")).isEqualTo(Map.of("state", "CLOSED", "failureRate", -1.0));
	}

	private String scrape() {
		return this.webTestClient.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	/**
	 * Value of the one sample of a metric whose labels include all the given ones.
	 */
	private static double value(String scrape, String metric, String... labels) {
		Matcher matcher = Pattern.compile("(?m)^" + metric + "\\{(.*)\\} (\\S+)$").matcher(scrape);
		while (matcher.find()) {
			String found = matcher.group(1);
			if (java.util.Arrays.stream(labels).allMatch(found::contains)) {
				return Double.parseDouble(matcher.group(2));
			}
		}
		throw new AssertionError("No " + metric + " with " + String.join(",", labels) + " in:\n" + scrape);
	}

}
