package io.httpsentinel.autoconfigure.web;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.HttpServiceGroup.ClientType;
import org.springframework.web.service.registry.ImportHttpServices;

import io.httpsentinel.client.SentinelClientCustomizer;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.resilience.CircuitOpenException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * HTTP service groups of a real application ({@code @ImportHttpServices}, full
 * auto-configuration) named like Sentinel clients, called through their interfaces
 * against OkHttp's MockWebServer on loopback: a {@code RestClient} group ("weather") and
 * a {@code WebClient} group ("news") get the client's base URL, headers and pipeline; a
 * group with another name ("other") is Spring Boot's alone.
 */
class SentinelHttpServiceGroupsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final MockWebServer server = new MockWebServer();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeEach
	void startUpstream() throws IOException {
		this.server.start(InetAddress.getLoopbackAddress(), 0);
	}

	@AfterEach
	void stopAll() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.server.close();
	}

	@ParameterizedTest
	@EnumSource
	void callsGoToTheClientsBaseUrlWithItsDefaultHeaders(Kind kind) throws InterruptedException {
		this.server.enqueue(new MockResponse.Builder().body("sunny").build());
		ConfigurableApplicationContext context = startApp();
		assertThat(kind.call(context)).isEqualTo("sunny");
		RecordedRequest request = takeRequest();
		assertThat(request.getTarget()).isEqualTo(kind.basePath + "/current/oslo");
		assertThat(request.getHeaders().get("x-api-key")).isEqualTo(kind.group + "-key");
	}

	@ParameterizedTest
	@EnumSource
	void theClientsCustomizersApplyToTheGroup(Kind kind) throws InterruptedException {
		this.server.enqueue(new MockResponse.Builder().body("sunny").build());
		ConfigurableApplicationContext context = startApp();
		assertThat(kind.call(context)).isEqualTo("sunny");
		assertThat(takeRequest().getHeaders().get("x-customized-for")).isEqualTo(kind.group);
		// Sentinel's own customizer: the observation carries the client key.
		assertThat(context.getBean(MeterRegistry.class)
			.get("http.client.requests")
			.tag("client", kind.group)
			.timer()
			.count()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource
	void aRetryableStatusIsRetriedBehindTheInterface(Kind kind) {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().body("sunny").build());
		ConfigurableApplicationContext context = startApp();
		assertThat(kind.call(context)).isEqualTo("sunny");
		assertThat(this.server.getRequestCount()).isEqualTo(2);
	}

	@ParameterizedTest
	@EnumSource
	void anOpenBreakerFailsTheInterfaceCallWithoutARequest(Kind kind) {
		for (int i = 0; i < 4; i++) {
			this.server.enqueue(new MockResponse.Builder().code(500).build());
		}
		ConfigurableApplicationContext context = startApp("sentinel.clients." + kind.group + ".retry.max-retries=0",
				"sentinel.clients." + kind.group + ".circuit-breaker.minimum-calls=4");
		for (int i = 0; i < 4; i++) {
			assertThatExceptionOfType(kind.serverError).isThrownBy(() -> kind.call(context));
		}
		assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(() -> kind.call(context));
		assertThat(this.server.getRequestCount()).isEqualTo(4);
	}

	@ParameterizedTest
	@EnumSource
	void groupHeadersAndApiVersionApplyOnTopOfTheClient(Kind kind) throws InterruptedException {
		this.server.enqueue(new MockResponse.Builder().body("sunny").build());
		String group = "spring.http.serviceclient." + kind.group;
		ConfigurableApplicationContext context = startApp(group + ".base-url=" + baseUrl(kind.basePath) + "/",
				group + ".default-header.x-team=search", group + ".default-header.x-api-key=" + kind.group + "-key",
				group + ".apiversion.default=2", group + ".apiversion.insert.header=X-API-Version");
		assertThat(kind.call(context)).isEqualTo("sunny");
		RecordedRequest request = takeRequest();
		assertThat(request.getTarget()).isEqualTo(kind.basePath + "/current/oslo");
		assertThat(request.getHeaders().values("x-api-key")).containsExactly(kind.group + "-key");
		assertThat(request.getHeaders().get("x-team")).isEqualTo("search");
		assertThat(request.getHeaders().get("X-API-Version")).isEqualTo("2");
	}

	@Test
	void aGroupWithAnotherNameIsLeftToSpringBoot() throws InterruptedException {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		ConfigurableApplicationContext context = startApp(
				"spring.http.serviceclient.other.base-url=" + baseUrl("/other"));
		// Spring's own exception: Sentinel switched off Spring Cloud's breaker around
		// every group, which would have turned it into a NoFallbackAvailableException.
		assertThatExceptionOfType(HttpServerErrorException.ServiceUnavailable.class)
			.isThrownBy(() -> context.getBean(OtherApi.class).current("oslo"));
		// No retry, no Sentinel header: not a Sentinel client.
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		RecordedRequest request = takeRequest();
		assertThat(request.getTarget()).isEqualTo("/other/current/oslo");
		assertThat(request.getHeaders().get("x-api-key")).isNull();
	}

	@Test
	void aClientMakesAnInterfaceClientWithoutTheAnnotation() throws InterruptedException {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(new MockResponse.Builder().body("sunny").build());
		ConfigurableApplicationContext context = startApp();
		WeatherApi weather = context.getBean(SentinelClients.class).get("weather").httpService(WeatherApi.class);
		assertThat(weather.current("oslo")).isEqualTo("sunny");
		assertThat(this.server.getRequestCount()).isEqualTo(2);
		assertThat(takeRequest().getHeaders().get("x-api-key")).isEqualTo("weather-key");
	}

	private ConfigurableApplicationContext startApp(String... properties) {
		List<String> all = new ArrayList<>();
		for (Kind kind : Kind.values()) {
			String client = "sentinel.clients." + kind.group;
			all.add(client + ".base-url=" + baseUrl(kind.basePath));
			all.add(client + ".default-headers.x-api-key=" + kind.group + "-key");
			all.add(client + ".retry.initial-delay=10ms");
			all.add(client + ".retry.max-delay=20ms");
		}
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run();
		this.contexts.add(context);
		return context;
	}

	private String baseUrl(String path) {
		return "http://127.0.0.1:" + this.server.getPort() + path;
	}

	private RecordedRequest takeRequest() throws InterruptedException {
		RecordedRequest request = this.server.takeRequest(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(request).as("a request at the upstream").isNotNull();
		return request;
	}

	/**
	 * The two kinds of group, each backed by a Sentinel client of its name.
	 */
	enum Kind {

		REST_CLIENT("weather", "/api", HttpServerErrorException.class,
				(context) -> context.getBean(WeatherApi.class).current("oslo")),

		WEB_CLIENT("news", "/news", WebClientResponseException.class,
				(context) -> context.getBean(NewsApi.class).current("oslo").block(TIMEOUT));

		final String group;

		final String basePath;

		final Class<? extends RuntimeException> serverError;

		private final Function<ConfigurableApplicationContext, String> call;

		Kind(String group, String basePath, Class<? extends RuntimeException> serverError,
				Function<ConfigurableApplicationContext, String> call) {
			this.group = group;
			this.basePath = basePath;
			this.serverError = serverError;
			this.call = call;
		}

		String call(ConfigurableApplicationContext context) {
			return this.call.apply(context);
		}

	}

	interface WeatherApi {

		@GetExchange("/current/{city}")
		String current(@PathVariable("city") String city);

	}

	interface NewsApi {

		@GetExchange("/current/{city}")
		Mono<String> current(@PathVariable("city") String city);

	}

	interface OtherApi {

		@GetExchange("/current/{city}")
		String current(@PathVariable("city") String city);

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@ImportHttpServices(group = "weather", types = WeatherApi.class)
	@ImportHttpServices(group = "news", types = NewsApi.class, clientType = ClientType.WEB_CLIENT)
	@ImportHttpServices(group = "other", types = OtherApi.class)
	static class App {

		@Bean
		SentinelClientCustomizer customizedForHeader() {
			return new SentinelClientCustomizer() {

				@Override
				public void customizeWebClient(String clientName, WebClient.Builder builder) {
					builder.defaultHeader("x-customized-for", clientName);
				}

				@Override
				public void customizeRestClient(String clientName, RestClient.Builder builder) {
					builder.defaultHeader("x-customized-for", clientName);
				}

			};
		}

	}

}
