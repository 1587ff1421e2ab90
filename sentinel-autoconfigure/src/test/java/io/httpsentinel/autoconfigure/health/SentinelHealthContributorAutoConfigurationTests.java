package io.httpsentinel.autoconfigure.health;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.httpsentinel.autoconfigure.SentinelAutoConfiguration;
import io.httpsentinel.autoconfigure.SpringCloudCircuitBreaker;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.health.SentinelHealthIndicator;
import io.httpsentinel.testsupport.LoopbackServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SentinelHealthContributorAutoConfiguration}, alone and inside Spring
 * Boot's health endpoint.
 */
class SentinelHealthContributorAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final LoopbackServer server = LoopbackServer
		.start((routes) -> routes.get("/", (request, response) -> response.status(500).sendString(Mono.just("no"))));

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelAutoConfiguration.class, WebClientAutoConfiguration.class,
				SslAutoConfiguration.class, SentinelHealthContributorAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS)
		.withPropertyValues("sentinel.clients.weather.base-url=" + this.server.baseUrl(),
				"sentinel.clients.search.base-url=https://search.example.com");

	private final ApplicationContextRunner healthEndpointRunner = this.contextRunner
		.withConfiguration(AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class,
				AvailabilityHealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
				HealthEndpointAutoConfiguration.class))
		.withPropertyValues("management.health.readinessstate.enabled=true",
				"management.endpoint.health.group.readiness.include=readinessState,sentinel",
				// What HealthStatusOrderEnvironmentPostProcessor adds to an application.
				"management.endpoint.health.status.order=" + HealthStatusOrderEnvironmentPostProcessor.ORDER,
				"sentinel.clients.weather.retry.max-retries=0",
				"sentinel.clients.weather.circuit-breaker.minimum-calls=4");

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void runShouldCreateOneComponentPerClient() {
		this.contextRunner.run((context) -> {
			CompositeHealthContributor sentinel = context.getBean("sentinelHealthContributor",
					CompositeHealthContributor.class);
			assertThat(sentinel.stream().map((entry) -> entry.name())).containsExactly("weather", "search");
			assertThat(((HealthIndicator) sentinel.getContributor("search")).health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void runWithoutSpringBootHealthShouldNotCreateContributor() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean("sentinelHealthContributor");
				assertThat(context).hasSingleBean(SentinelClients.class);
			});
	}

	@Test
	void runWhenDisabledShouldNotCreateContributor() {
		this.contextRunner.withPropertyValues("management.health.sentinel.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("sentinelHealthContributor"));
	}

	@Test
	void runWhenDefaultHealthIndicatorsAreDisabledShouldNotCreateContributor() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("sentinelHealthContributor"));
	}

	@Test
	void runShouldNotOverrideUserContributor() {
		this.contextRunner.withUserConfiguration(UserContributor.class)
			.run((context) -> assertThat(context.getBean("sentinelHealthContributor"))
				.isSameAs(context.getBean(UserContributor.class).contributor));
	}

	@Test
	void readinessGroupWithSentinelReportsAnOpenCircuitWithHttp200AndRecovers() {
		this.healthEndpointRunner.run((context) -> {
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			HealthEndpointGroup readiness = context.getBean(HealthEndpointGroups.class).get("readiness");
			assertThat(readiness.isMember("sentinel/weather")).isTrue();
			assertThat(readinessStatus(health)).isEqualTo(Status.UP);

			SentinelClient weather = context.getBean(SentinelClients.class).get("weather");
			for (int i = 0; i < 4; i++) {
				weather.webClient().get().retrieve().toBodilessEntity().onErrorComplete().block(TIMEOUT);
			}
			assertThat(weather.circuitBreaker().resilience4j().getState()).isEqualTo(CircuitBreaker.State.OPEN);
			Status open = readinessStatus(health);
			assertThat(open).isEqualTo(SentinelHealthIndicator.CIRCUIT_OPEN);
			// The upstream is down, this application is not: it stays ready.
			assertThat(readiness.getHttpCodeStatusMapper().getStatusCode(open)).isEqualTo(200);

			weather.circuitBreaker().resilience4j().transitionToClosedState();
			assertThat(readinessStatus(health)).isEqualTo(Status.UP);
		});
	}

	@Test
	void failOnOpenCircuitMakesReadinessDown() {
		this.healthEndpointRunner.withPropertyValues("sentinel.defaults.health.fail-on-open-circuit=true")
			.run((context) -> {
				AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
				openWeatherCircuit(context);
				HealthEndpointGroup readiness = context.getBean(HealthEndpointGroups.class).get("readiness");
				Status status = readinessStatus(context.getBean(HealthEndpoint.class));
				assertThat(status).isEqualTo(Status.DOWN);
				assertThat(readiness.getHttpCodeStatusMapper().getStatusCode(status)).isEqualTo(503);
			});
	}

	@Test
	void downComponentIsNotHiddenByAnOpenCircuit() {
		this.healthEndpointRunner.withUserConfiguration(DownIndicator.class).run((context) -> {
			openWeatherCircuit(context);
			HealthDescriptor all = context.getBean(HealthEndpoint.class).health();
			assertThat(all.getStatus()).isEqualTo(Status.DOWN);
			HealthDescriptor sentinel = context.getBean(HealthEndpoint.class).healthForPath("sentinel");
			assertThat(sentinel.getStatus()).isEqualTo(SentinelHealthIndicator.CIRCUIT_OPEN);
		});
	}

	private static void openWeatherCircuit(ApplicationContext context) {
		context.getBean(SentinelClients.class).get("weather").circuitBreaker().resilience4j().transitionToOpenState();
	}

	private static Status readinessStatus(HealthEndpoint health) {
		return health.healthForPath("readiness").getStatus();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserContributor {

		final HealthIndicator contributor = () -> Health.up().build();

		@Bean
		HealthIndicator sentinelHealthContributor() {
			return this.contributor;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DownIndicator {

		@Bean
		HealthIndicator databaseHealthIndicator() {
			return () -> Health.down().build();
		}

	}

}
