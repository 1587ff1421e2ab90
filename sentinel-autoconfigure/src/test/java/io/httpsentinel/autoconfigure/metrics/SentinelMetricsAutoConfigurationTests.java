package io.httpsentinel.autoconfigure.metrics;

import java.util.List;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.httpsentinel.autoconfigure.SpringCloudCircuitBreaker;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.metrics.SentinelClientMetrics;
import io.httpsentinel.metrics.SentinelPoolMetrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SentinelMetricsAutoConfiguration}.
 */
class SentinelMetricsAutoConfigurationTests {

	private static final List<String> SENTINEL_METERS = List.of("sentinel.client.retries",
			"sentinel.client.retry.budget.exhausted", "sentinel.client.rate.limit.waits",
			"sentinel.client.rate.limit.rejected", "sentinel.client.host.pauses", "sentinel.client.host.pause.rejected",
			"sentinel.client.host.paused.until");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetrics.SENTINEL)
		.withConfiguration(BootMetrics.METRICS)
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS)
		.withConfiguration(AutoConfigurations.of(SentinelMetricsAutoConfiguration.class))
		.withPropertyValues("sentinel.clients.weather.base-url=http://127.0.0.1:9",
				"sentinel.clients.search.base-url=http://127.0.0.1:9");

	@Test
	void bindsTheSentinelMetersOfEveryClient() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			for (String client : List.of("weather", "search")) {
				for (String name : SENTINEL_METERS) {
					assertThat(registry.find(name).tag("client", client).meters()).as(name).isNotEmpty();
				}
				assertThat(registry.find("sentinel.client.retries").tag("client", client).meters())
					.extracting((meter) -> meter.getId().getTag("reason"))
					.containsExactlyInAnyOrder("status", "retry-after", "connect", "timeout", "reset", "pool", "other");
			}
		});
	}

	@Test
	void everySentinelMeterHasADescriptionAndABaseUnit() {
		this.contextRunner
			.run((context) -> assertThat(sentinelMeters(context.getBean(MeterRegistry.class))).isNotEmpty()
				.allSatisfy((meter) -> {
					assertThat(meter.getId().getDescription()).as(meter.getId().getName()).isNotBlank();
					assertThat(meter.getId().getBaseUnit()).as(meter.getId().getName()).isNotBlank();
				}));
	}

	@Test
	void bootsEnableSwitchTurnsTheSentinelMetersOff() {
		this.contextRunner.withPropertyValues("management.metrics.enable.sentinel=false").run((context) -> {
			assertThat(context).hasSingleBean(SentinelClientMetrics.class);
			assertThat(sentinelMeters(context.getBean(MeterRegistry.class))).isEmpty();
		});
	}

	@Test
	void resilience4jAlreadyMetersTheBreakersOfTheClients() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("resilience4j.circuitbreaker.state").tag("name", "weather").meters()).isNotEmpty();
			assertThat(registry.find("resilience4j.circuitbreaker.not.permitted.calls").tag("name", "weather").meters())
				.isNotEmpty();
		});
	}

	@Test
	void backsOffWithoutAMeterRegistry() {
		new ApplicationContextRunner().withConfiguration(BootMetrics.SENTINEL)
			.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS)
			.withConfiguration(AutoConfigurations.of(SentinelMetricsAutoConfiguration.class))
			.withPropertyValues("sentinel.clients.weather.base-url=http://127.0.0.1:9")
			.run((context) -> {
				assertThat(context).hasSingleBean(SentinelClients.class);
				assertThat(context).doesNotHaveBean(SentinelClientMetrics.class);
				assertThat(context).doesNotHaveBean(SentinelPoolMetrics.class);
			});
	}

	@Test
	void backsOffWithoutMicrometerWhileTheSnapshotsStillWork() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.core")).run((context) -> {
			assertThat(context).doesNotHaveBean(SentinelClientMetrics.class);
			assertThat(context).doesNotHaveBean(SentinelPoolMetrics.class);
			assertThat(context.getBean(SentinelClients.class).metrics().get("weather").totals().requests()).isZero();
		});
	}

	@Test
	void backsOffForTheApplicationsOwnBinders() {
		this.contextRunner.withUserConfiguration(OwnBinders.class).run((context) -> {
			assertThat(context).getBean(SentinelClientMetrics.class).isSameAs(context.getBean("ownClientMetrics"));
			assertThat(context).getBean(SentinelPoolMetrics.class).isSameAs(context.getBean("ownPoolMetrics"));
		});
	}

	private static List<Meter> sentinelMeters(MeterRegistry registry) {
		return registry.getMeters()
			.stream()
			.filter((meter) -> meter.getId().getName().startsWith("sentinel."))
			.toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBinders {

		@Bean
		SentinelClientMetrics ownClientMetrics() {
			return new SentinelClientMetrics(List.of());
		}

		@Bean
		SentinelPoolMetrics ownPoolMetrics() {
			return new SentinelPoolMetrics(List.of());
		}

	}

}
