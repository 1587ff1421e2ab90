package io.httpsentinel.autoconfigure.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.httpsentinel.actuate.ClientDescriptor;
import io.httpsentinel.actuate.SentinelEndpoint;
import io.httpsentinel.autoconfigure.SentinelAutoConfiguration;
import io.httpsentinel.autoconfigure.SpringCloudCircuitBreaker;
import io.httpsentinel.client.Redactor;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.testsupport.LoopbackServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SentinelEndpointAutoConfiguration} and the endpoint it creates.
 */
class SentinelEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelAutoConfiguration.class, WebClientAutoConfiguration.class,
				SslAutoConfiguration.class, SentinelEndpointAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS)
		.withPropertyValues("sentinel.clients.weather.base-url=http://127.0.0.1:9/v1",
				"sentinel.clients.weather.default-headers.x-api-key=k-secret-1",
				"sentinel.clients.weather.default-headers.anthropic-version=2023-06-01",
				"sentinel.clients.weather.default-headers.X-Tenant=t-secret-2",
				"sentinel.defaults.redact-headers=x-tenant", "sentinel.clients.weather.log=basic",
				"sentinel.clients.search.base-url=https://search.example.com",
				"sentinel.clients.search.circuit-breaker.enabled=false");

	private final ApplicationContextRunner exposed = this.contextRunner
		.withPropertyValues("management.endpoints.web.exposure.include=sentinel");

	/** With the JSON mapper the actuator writes endpoint responses with. */
	private final ApplicationContextRunner exposedWithJson = this.exposed
		.withConfiguration(AutoConfigurations.of(JacksonEndpointAutoConfiguration.class));

	@Test
	void runWhenExposedShouldHaveEndpoint() {
		this.exposed.run((context) -> assertThat(context).hasSingleBean(SentinelEndpoint.class));
	}

	@Test
	void runWhenNotExposedShouldNotHaveEndpoint() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(SentinelEndpoint.class));
	}

	@Test
	void runWhenAccessIsNoneShouldNotHaveEndpoint() {
		this.exposed.withPropertyValues("management.endpoint.sentinel.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(SentinelEndpoint.class));
	}

	@Test
	void runWithoutActuatorShouldNotHaveEndpoint() {
		this.exposed.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate")).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(SentinelEndpoint.class);
			assertThat(context).hasSingleBean(SentinelClients.class);
		});
	}

	@Test
	void runShouldNotOverrideUserEndpoint() {
		this.exposed.withUserConfiguration(UserEndpoint.class)
			.run((context) -> assertThat(context.getBean(SentinelEndpoint.class))
				.isSameAs(context.getBean(UserEndpoint.class).endpoint));
	}

	@Test
	void endpointListsEveryClientWithSecretsRedacted() {
		this.exposedWithJson.run((context) -> {
			JsonNode json = toJson(context.getBean(EndpointJsonMapper.class),
					context.getBean(SentinelEndpoint.class).clients());
			assertThat(json.get("clients").propertyNames()).containsExactly("weather", "search");
			JsonNode weather = json.get("clients").get("weather");
			JsonNode headers = weather.get("settings").get("default-headers");
			assertThat(headers.get("x-api-key").asString()).isEqualTo(Redactor.MASK);
			assertThat(headers.get("X-Tenant").asString()).isEqualTo(Redactor.MASK);
			assertThat(headers.get("anthropic-version").asString()).isEqualTo("2023-06-01");
			assertThat(json.toString()).doesNotContain("k-secret-1", "t-secret-2");
			assertThat(weather.get("settings").get("base-url").asString()).isEqualTo("http://127.0.0.1:9/v1");
			assertThat(weather.get("settings").get("log").asString()).isEqualTo("basic");
			assertThat(weather.get("settings").get("timeouts").get("connect").asString()).isEqualTo("5s");
			assertThat(weather.get("state").get("pool").propertyNames()).containsExactly("active", "idle", "pending",
					"total", "max");
			assertThat(weather.get("state").get("circuitBreaker").get("state").asString()).isEqualTo("CLOSED");
			assertThat(weather.get("state").propertyNames()).containsExactly("pool", "circuitBreaker");
			assertThat(json.get("clients").get("search").get("state").get("circuitBreaker").get("state").asString())
				.isEqualTo("DISABLED");
			assertThat(weather.get("metrics").propertyNames()).containsExactly("client", "totals", "latency", "pool",
					"breaker", "rateLimit", "backends");
			// One base URL: no backends of its own.
			assertThat(weather.get("metrics").get("backends").isEmpty()).isTrue();
			assertThat(weather.get("metrics").get("totals").get("requests").asLong()).isZero();
		});
	}

	@Test
	void aClientWithSeveralBackendsShowsEachInItsStateAndMetrics() {
		LoopbackServer first = LoopbackServer
			.start((routes) -> routes.get("/", (request, response) -> response.sendString(Mono.just("ok"))));
		LoopbackServer second = LoopbackServer
			.start((routes) -> routes.get("/", (request, response) -> response.sendString(Mono.just("ok"))));
		try {
			this.exposedWithJson
				.withPropertyValues("sentinel.clients.llm.endpoints[0]=" + first.baseUrl(),
						"sentinel.clients.llm.endpoints[1].url=" + second.baseUrl(),
						"sentinel.clients.llm.endpoints[1].weight=3")
				.run((context) -> {
					SentinelClient llm = context.getBean(SentinelClients.class).get("llm");
					llm.webClient().get().uri("/").retrieve().toBodilessEntity().block(Duration.ofSeconds(10));
					JsonNode json = toJson(context.getBean(EndpointJsonMapper.class),
							context.getBean(SentinelEndpoint.class).client("llm"));
					assertThat(json.get("settings").get("endpoints").get(1).get("url").asString())
						.isEqualTo(second.baseUrl().toString());
					JsonNode backends = json.get("state").get("backends");
					assertThat(backends.get("source").asString()).isEqualTo("endpoints");
					assertThat(backends.get("backends")).hasSize(2);
					JsonNode firstBackend = backends.get("backends").get(0);
					assertThat(firstBackend.propertyNames()).containsExactly("address", "state", "weight",
							"consecutiveFailures", "requests", "failures", "ejections");
					assertThat(firstBackend.get("address").asString())
						.isEqualTo("http://127.0.0.1:" + first.baseUrl().getPort());
					assertThat(firstBackend.get("state").asString()).isEqualTo("UP");
					assertThat(firstBackend.get("weight").asInt()).isOne();
					assertThat(backends.get("backends").get(1).get("weight").asInt()).isEqualTo(3);
					long requests = 0;
					for (JsonNode backend : json.get("metrics").get("backends")) {
						requests += backend.get("requests").asLong();
					}
					assertThat(requests).isOne();
				});
		}
		finally {
			first.close();
			second.close();
		}
	}

	@Test
	void endpointShowsOneClientAndNothingForAnUnknownName() {
		this.exposed.run((context) -> {
			SentinelEndpoint endpoint = context.getBean(SentinelEndpoint.class);
			ClientDescriptor weather = endpoint.client("weather");
			assertThat(weather).isNotNull();
			assertThat(weather.settings()).containsEntry("base-url", "http://127.0.0.1:9/v1");
			assertThat(endpoint.client("wether")).isNull();
		});
	}

	@Test
	void resetClosesTheBreakerAndLiftsThePause() {
		this.exposedWithJson.run((context) -> {
			SentinelClient weather = context.getBean(SentinelClients.class).get("weather");
			CircuitBreaker breaker = weather.circuitBreaker().resilience4j();
			breaker.transitionToOpenState();
			weather.hostPause().pauseUntil(Instant.now().plusSeconds(3600));
			JsonNode before = toJson(context.getBean(EndpointJsonMapper.class),
					context.getBean(SentinelEndpoint.class).client("weather"));
			assertThat(before.get("state").get("circuitBreaker").get("state").asString()).isEqualTo("OPEN");
			assertThat(Instant.parse(before.get("state").get("pausedUntil").asString())).isAfter(Instant.now());

			ClientDescriptor after = context.getBean(SentinelEndpoint.class).reset("weather");
			assertThat(after.state().circuitBreaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
			assertThat(after.state().pausedUntil()).isNull();
			assertThat(weather.hostPause().pausedUntil()).isEmpty();
		});
	}

	@Test
	void resetOfAnUnknownClientIsABadRequest() {
		this.exposed.run((context) -> assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> context.getBean(SentinelEndpoint.class).reset("wether"))
			.withMessageContaining("'wether'"));
	}

	private static JsonNode toJson(EndpointJsonMapper mapper, Object value) {
		JsonMapper json = mapper.get();
		return json.readTree(json.writeValueAsString(value));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpoint {

		final SentinelEndpoint endpoint = new SentinelEndpoint(new SentinelClients(List.of()));

		@Bean
		SentinelEndpoint userSentinelEndpoint() {
			return this.endpoint;
		}

	}

}
