package io.httpsentinel.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.client.circuitbreaker.NoFallbackAvailableException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A real application with the starter's class path (no Resilience4j Boot 3 module),
 * started the way a user's application starts ({@code SpringApplication}, full
 * auto-configuration: import filters and the auto-configuration sorter run only in that
 * path): Spring Cloud CircuitBreaker's blocking side works as with Spring Cloud's
 * starter, without a warning in the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class BlockingCircuitBreakerApplicationTests {

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

	@Test
	void theApplicationStartsWithoutAnAnnotationIntrospectionWarning(CapturedOutput output) {
		startApp();
		assertThat(output).contains("Started ").doesNotContain("Failed to introspect");
	}

	@Test
	void theBlockingFactoryRunsCallsWithTheApplicationsCustomizersMetersAndObservations() {
		ConfigurableApplicationContext context = startApp();
		CircuitBreakerFactory<?, ?> factory = context.getBean(CircuitBreakerFactory.class);
		assertThat(factory).isInstanceOf(Resilience4JCircuitBreakerFactory.class);
		assertThat(factory.create("reports").run(() -> "done")).isEqualTo("done");
		assertThat(context.getBean(CircuitBreakerRegistry.class)
			.circuitBreaker("reports")
			.getCircuitBreakerConfig()
			.getMinimumNumberOfCalls()).as("set by the application's customizer").isEqualTo(3);
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		assertThat(meters.get("resilience4j.circuitbreaker.calls")
			.tag("name", "reports")
			.tag("kind", "successful")
			.timer()
			.count()).isOne();
		assertThat(meters.get("spring.cloud.circuitbreaker").timer().count()).as("observed").isOne();
	}

	@Test
	void sentinelClientsKeepTheirBreakerMeters() {
		ConfigurableApplicationContext context = startApp();
		assertThat(context.getBean(MeterRegistry.class)
			.find("resilience4j.circuitbreaker.state")
			.tag("name", "up")
			.meters()).isNotEmpty();
	}

	@Test
	void springCloudsBreakerWrapsAnotherRestClientGroupWhenTheApplicationTurnsItOn() {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		ConfigurableApplicationContext context = startApp("spring.cloud.circuitbreaker.http-services.enabled=true");
		assertThatExceptionOfType(NoFallbackAvailableException.class)
			.isThrownBy(() -> context.getBean(ReportsApi.class).report("today"))
			.withRootCauseInstanceOf(HttpServerErrorException.ServiceUnavailable.class);
	}

	@Test
	void springCloudsBlockingSwitchTurnsTheFactoryOff() {
		ConfigurableApplicationContext context = startApp(
				"spring.cloud.circuitbreaker.resilience4j.blocking.enabled=false");
		assertThat(context.getBeanNamesForType(CircuitBreakerFactory.class)).isEmpty();
		assertThat(context.getBean(SentinelClients.class).get("up").circuitBreaker()).isNotNull();
	}

	private ConfigurableApplicationContext startApp(String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.properties("server.port=0", "sentinel.clients.up.base-url=http://127.0.0.1:9",
					"spring.http.serviceclient.reports.base-url=http://127.0.0.1:" + this.server.getPort())
			// As arguments, which win over Sentinel's defaults (default properties do
			// not).
			.run(Arrays.stream(properties).map((property) -> "--" + property).toArray(String[]::new));
		this.contexts.add(context);
		return context;
	}

	interface ReportsApi {

		@GetExchange("/reports/{day}")
		String report(@PathVariable("day") String day);

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@ImportHttpServices(group = "reports", types = ReportsApi.class)
	static class App {

		@Bean
		Customizer<Resilience4JCircuitBreakerFactory> reportsBreaker() {
			return (factory) -> factory.configure(
					(builder) -> builder
						.circuitBreakerConfig(CircuitBreakerConfig.custom().minimumNumberOfCalls(3).build()),
					"reports");
		}

	}

}
