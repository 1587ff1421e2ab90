package io.httpsentinel.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.resilience.CircuitBreakerSettings;
import io.httpsentinel.resilience.OutlierDetectionSettings;
import io.httpsentinel.resilience.RetrySettings;
import io.httpsentinel.sse.SseProxySettings;
import io.httpsentinel.sse.SseSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that IDEs read: every key documented, and the defaults it
 * advertises equal to the ones the code applies.
 */
class ConfigurationMetadataTests {

	/** Keys whose absence is the default: there is nothing to inherit or show. */
	private static final Set<String> WITHOUT_DEFAULT = Set.of("sentinel.defaults.base-url",
			"sentinel.defaults.default-headers", "sentinel.defaults.ssl.bundle", "sentinel.clients",
			"sentinel.defaults.retry.idempotency-key-header", "sentinel.defaults.rate-limit.requests-per-second",
			"sentinel.defaults.rate-limit.requests-per-minute", "sentinel.defaults.rate-limit.burst",
			// Names added to the built-in rules; none by default.
			"sentinel.defaults.redact-headers", "sentinel.defaults.redact-query-parameters",
			// Derived from timeouts.response-headers when not set.
			"sentinel.defaults.circuit-breaker.sliding-window",
			// Derived: the replicas last seen in Redis, the client's name.
			"sentinel.defaults.rate-limit.redis.replicas", "sentinel.defaults.rate-limit.redis.key",
			// Sentinel's own Redis connection is optional: the application's is used
			// without it.
			"sentinel.redis.url",
			// One base URL by default; several backends only when listed.
			"sentinel.defaults.endpoints");

	private final Map<String, JsonNode> properties = new LinkedHashMap<>();

	private final Map<String, JsonNode> managementProperties = new LinkedHashMap<>();

	@BeforeEach
	void load() throws IOException {
		try (InputStream in = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			JsonNode root = JsonMapper.builder().build().readTree(in);
			for (JsonNode property : root.get("properties")) {
				String name = property.get("name").asString();
				if (name.startsWith("sentinel.")) {
					this.properties.put(name, property);
				}
				if (name.startsWith("management.")) {
					this.managementProperties.put(name, property);
				}
			}
		}
	}

	@Test
	void everyKeyHasADescription() {
		assertThat(this.properties).isNotEmpty().allSatisfy((name, property) -> {
			assertThat(property.has("description")).as(name).isTrue();
			assertThat(property.get("description").asString()).as(name).isNotBlank().doesNotStartWith("The ");
		});
	}

	@Test
	void everyInheritableKeyShowsItsDefault() {
		assertThat(this.properties).allSatisfy((name, property) -> {
			if (!WITHOUT_DEFAULT.contains(name)) {
				assertThat(property.has("defaultValue")).as(name).isTrue();
			}
		});
	}

	@Test
	void healthSwitchAndEndpointAccessAreDocumented() {
		assertThat(this.managementProperties.get("management.health.sentinel.enabled").get("defaultValue").asBoolean())
			.isTrue();
		assertThat(this.managementProperties.get("management.health.sentinel.enabled").get("description").asString())
			.isNotBlank();
		assertThat(this.managementProperties).containsKey("management.endpoint.sentinel.access");
	}

	@Test
	void clientsMapIsDocumented() {
		assertThat(this.properties.get("sentinel.clients").get("description").asString())
			.contains("same keys as 'sentinel.defaults'");
	}

	@Test
	void advertisedDefaultsAreTheBuiltInDefaults() {
		ClientSettings defaults = ClientSettings.DEFAULTS;
		assertThat(duration("timeouts.connect")).isEqualTo(defaults.timeouts().connect());
		assertThat(duration("timeouts.tls-handshake")).isEqualTo(defaults.timeouts().tlsHandshake());
		assertThat(duration("timeouts.response-headers")).isEqualTo(defaults.timeouts().responseHeaders());
		assertThat(duration("timeouts.read-idle")).isEqualTo(defaults.timeouts().readIdle());
		assertThat(duration("timeouts.total")).isEqualTo(defaults.timeouts().total());
		assertThat(duration("pool.pending-acquire-timeout")).isEqualTo(defaults.pool().pendingAcquireTimeout());
		assertThat(duration("pool.max-idle-time")).isEqualTo(defaults.pool().maxIdleTime());
		assertThat(duration("pool.max-life-time")).isEqualTo(defaults.pool().maxLifeTime());
		assertThat(duration("pool.evict-in-background")).isEqualTo(defaults.pool().evictInBackground());
		assertThat(defaultOf("pool.max-connections").asInt()).isEqualTo(defaults.pool().maxConnections());
		assertThat(defaultOf("pool.pending-acquire-max-count").asInt())
			.isEqualTo(defaults.pool().pendingAcquireMaxCount());
		assertThat(defaultOf("pool.leasing").asString()).isEqualToIgnoringCase(defaults.pool().leasing().name());
		assertThat(DataSize.parse(defaultOf("max-response-size").asString())).isEqualTo(defaults.maxResponseSize());
		assertThat(defaultOf("http2").asBoolean()).isEqualTo(defaults.http2());
		assertThat(defaultOf("ssl.insecure-trust-all").asBoolean()).isEqualTo(defaults.ssl().insecureTrustAll());
		assertThat(defaultOf("timeouts.total-includes-streams").asBoolean())
			.isEqualTo(defaults.timeouts().totalIncludesStreams());
		RetrySettings retry = defaults.retry();
		assertThat(defaultOf("retry.max-retries").asInt()).isEqualTo(retry.maxRetries());
		assertThat(duration("retry.initial-delay")).isEqualTo(retry.initialDelay());
		assertThat(defaultOf("retry.multiplier").asDouble()).isEqualTo(retry.multiplier());
		assertThat(duration("retry.max-delay")).isEqualTo(retry.maxDelay());
		assertThat(defaultOf("retry.jitter").asDouble()).isEqualTo(retry.jitter());
		assertThat(defaultOf("retry.statuses").values().stream().map(JsonNode::asInt).toList())
			.containsExactlyInAnyOrderElementsOf(retry.statuses());
		assertThat(duration("retry.max-retry-after")).isEqualTo(retry.maxRetryAfter());
		assertThat(defaultOf("retry.non-idempotent").asBoolean()).isEqualTo(retry.nonIdempotent());
		assertThat(defaultOf("retry.instant").asBoolean()).isEqualTo(retry.instant());
		assertThat(defaultOf("retry.budget.ratio").asDouble()).isEqualTo(retry.budget().ratio());
		assertThat(defaultOf("retry.budget.min-concurrency").asInt()).isEqualTo(retry.budget().minConcurrency());
		CircuitBreakerSettings breaker = defaults.circuitBreaker();
		assertThat(defaultOf("circuit-breaker.enabled").asBoolean()).isEqualTo(breaker.enabled());
		assertThat(defaultOf("circuit-breaker.failure-rate-threshold").floatValue())
			.isEqualTo(breaker.failureRateThreshold());
		assertThat(defaultOf("circuit-breaker.minimum-calls").asInt()).isEqualTo(breaker.minimumCalls());
		assertThat(duration("circuit-breaker.wait-in-open")).isEqualTo(breaker.waitInOpen());
		assertThat(defaultOf("circuit-breaker.wait-multiplier").asDouble()).isEqualTo(breaker.waitMultiplier());
		assertThat(duration("circuit-breaker.max-wait-in-open")).isEqualTo(breaker.maxWaitInOpen());
		assertThat(defaultOf("circuit-breaker.half-open-calls").asInt()).isEqualTo(breaker.halfOpenCalls());
		assertThat(duration("circuit-breaker.max-wait-in-half-open")).isEqualTo(breaker.maxWaitInHalfOpen());
		assertThat(duration("rate-limit.max-wait")).isEqualTo(defaults.rateLimit().maxWait());
		assertThat(defaultOf("log").asString()).isEqualToIgnoringCase(defaults.log().level().name());
		assertThat(DataSize.parse(defaultOf("log-body-limit").asString())).isEqualTo(defaults.log().bodyLimit());
		assertThat(defaultOf("health.fail-on-open-circuit").asBoolean())
			.isEqualTo(defaults.health().failOnOpenCircuit());
		SseSettings sse = defaults.sse();
		assertThat(DataSize.parse(defaultOf("sse.max-line-size").asString())).isEqualTo(sse.maxLineSize());
		assertThat(DataSize.parse(defaultOf("sse.max-event-size").asString())).isEqualTo(sse.maxEventSize());
		assertThat(defaultOf("sse.reconnect.enabled").asBoolean()).isEqualTo(sse.reconnect().enabled());
		assertThat(duration("sse.reconnect.initial-delay")).isEqualTo(sse.reconnect().initialDelay());
		assertThat(duration("sse.reconnect.max-delay")).isEqualTo(sse.reconnect().maxDelay());
		assertThat(duration("sse.reconnect.reset-after")).isEqualTo(sse.reconnect().resetAfter());
		assertThat(defaultOf("sse.reconnect.max-attempts").asInt()).isEqualTo(sse.reconnect().maxAttempts());
		assertThat(duration("sse.reconnect.max-elapsed")).isEqualTo(sse.reconnect().maxElapsed());
		SseProxySettings proxy = sse.proxy();
		assertThat(duration("sse.heartbeat")).isEqualTo(proxy.heartbeat());
		assertThat(DataSize.parse(defaultOf("sse.buffer-size").asString())).isEqualTo(proxy.bufferSize());
		assertThat(defaultOf("sse.slow-client-policy").asString())
			.isEqualToIgnoringCase(proxy.slowClientPolicy().name());
		assertThat(duration("sse.slow-client-timeout")).isEqualTo(proxy.slowClientTimeout());
		assertThat(defaultOf("sse.max-streams").asInt()).isEqualTo(proxy.maxStreams());
		assertThat(defaultOf("sse.resume.enabled").asBoolean()).isEqualTo(proxy.resume().enabled());
		assertThat(defaultOf("sse.resume.max-attempts").asInt()).isEqualTo(proxy.resume().maxAttempts());
		assertThat(duration("sse.resume.max-elapsed")).isEqualTo(proxy.resume().maxElapsed());
		assertThat(duration("sse.resume.initial-delay")).isEqualTo(proxy.resume().initialDelay());
		assertThat(duration("sse.resume.max-delay")).isEqualTo(proxy.resume().maxDelay());
		OutlierDetectionSettings outlier = defaults.backends().outlierDetection();
		assertThat(defaultOf("outlier-detection.enabled").asBoolean()).isEqualTo(outlier.enabled());
		assertThat(defaultOf("outlier-detection.consecutive-5xx").asInt()).isEqualTo(outlier.consecutive5xx());
		assertThat(defaultOf("outlier-detection.consecutive-gateway-failures").asInt())
			.isEqualTo(outlier.consecutiveGatewayFailures());
		assertThat(duration("outlier-detection.base-ejection-time")).isEqualTo(outlier.baseEjectionTime());
		assertThat(duration("outlier-detection.max-ejection-time")).isEqualTo(outlier.maxEjectionTime());
		assertThat(defaultOf("outlier-detection.max-ejection-percent").asInt()).isEqualTo(outlier.maxEjectionPercent());
		assertThat(defaultOf("pause-scope").asString()).isEqualToIgnoringCase(defaults.backends().pauseScope().name());
	}

	@Test
	void consecutive5xxIsDocumentedOnceInItsDashedForm() {
		assertThat(this.properties).containsKey("sentinel.defaults.outlier-detection.consecutive-5xx")
			.doesNotContainKey("sentinel.defaults.outlier-detection.consecutive5xx");
	}

	@Test
	void advertisedGlobalSseDefaultsAreThePropertyDefaults() {
		SseProxyProperties defaults = new SseProxyProperties();
		assertThat(this.properties.get("sentinel.sse.max-streams").get("defaultValue").asInt())
			.isEqualTo(defaults.getMaxStreams());
		assertThat(DurationStyle
			.detectAndParse(this.properties.get("sentinel.sse.shutdown-retry").get("defaultValue").asString()))
			.isEqualTo(defaults.getShutdownRetry());
	}

	private Duration duration(String key) {
		return DurationStyle.detectAndParse(defaultOf(key).asString());
	}

	private JsonNode defaultOf(String key) {
		return this.properties.get("sentinel.defaults." + key).get("defaultValue");
	}

}
