package io.httpsentinel.autoconfigure.metrics;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.http.client.autoconfigure.metrics.HttpClientMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientObservationAutoConfiguration;

import io.httpsentinel.autoconfigure.SentinelAutoConfiguration;
import io.httpsentinel.autoconfigure.SentinelBlockingCircuitBreakerAutoConfiguration;
import io.httpsentinel.autoconfigure.SpringCloudCircuitBreaker;

/**
 * The auto-configurations an application with Sentinel, Micrometer and Spring Boot's
 * observations gets (Spring Cloud CircuitBreaker's are in
 * {@code SpringCloudCircuitBreaker}).
 */
final class BootMetrics {

	/** Sentinel and the WebClient it builds on. */
	static final AutoConfigurations SENTINEL = AutoConfigurations.of(SentinelAutoConfiguration.class,
			WebClientAutoConfiguration.class, SslAutoConfiguration.class);

	/**
	 * A meter registry (the simple one) with Boot's meter filters, and the breaker
	 * meters. These come from Spring Cloud's blocking Resilience4j configuration (in an
	 * application without Resilience4j's Boot 3 module, Sentinel's stand-in for it, with
	 * Spring Cloud's meter configuration), which binds the breaker registry it shares
	 * with the reactive one: the reactive configuration's own binding is skipped in an
	 * application with Sentinel, whose ordering brings it before the meter registry (seen
	 * in the sample app's condition report).
	 */
	static final AutoConfigurations METRICS = AutoConfigurations.of(MetricsAutoConfiguration.class,
			CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
			SentinelBlockingCircuitBreakerAutoConfiguration.class);

	/** Observations, the WebClient observation and the HTTP client meter filters. */
	static final AutoConfigurations OBSERVATIONS = AutoConfigurations.of(ObservationAutoConfiguration.class,
			WebClientObservationAutoConfiguration.class, HttpClientMetricsAutoConfiguration.class);

	private BootMetrics() {
	}

	/**
	 * A context as an application with Sentinel, Spring Cloud CircuitBreaker, Micrometer
	 * and observations has it, Sentinel's metrics and observation auto-configurations
	 * included.
	 * @return a runner for such a context
	 */
	static ApplicationContextRunner application() {
		return new ApplicationContextRunner().withConfiguration(SENTINEL)
			.withConfiguration(METRICS)
			.withConfiguration(OBSERVATIONS)
			.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS)
			.withConfiguration(AutoConfigurations.of(SentinelMetricsAutoConfiguration.class,
					SentinelObservationAutoConfiguration.class));
	}

}
