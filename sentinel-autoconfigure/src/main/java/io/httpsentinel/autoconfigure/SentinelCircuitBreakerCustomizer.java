package io.httpsentinel.autoconfigure;

import java.time.Clock;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigurationProperties;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.core.Ordered;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.resilience.CircuitBreakers;

/**
 * Registers every client's breaker configuration with Spring Cloud's factory. Ordered
 * first among the factory's customizers, so that a user's own
 * {@code Customizer<ReactiveResilience4JCircuitBreakerFactory>} can still override a
 * client's breaker.
 */
final class SentinelCircuitBreakerCustomizer implements Customizer<ReactiveResilience4JCircuitBreakerFactory>, Ordered {

	private final Map<String, ClientSettings> clients;

	private final @Nullable Resilience4JConfigurationProperties properties;

	private final Clock clock;

	private final Set<ReactiveResilience4JCircuitBreakerFactory> configured = Collections
		.newSetFromMap(new IdentityHashMap<>());

	SentinelCircuitBreakerCustomizer(Map<String, ClientSettings> clients,
			@Nullable Resilience4JConfigurationProperties properties, Clock clock) {
		this.clients = clients;
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	public void customize(ReactiveResilience4JCircuitBreakerFactory factory) {
		this.clients.forEach((name, configured) -> {
			ClientSettings settings = SentinelClientFactory.resolve(configured);
			if (settings.circuitBreaker().isEnabled()) {
				CircuitBreakers.register(factory, this.properties, name, CircuitBreakers
					.config(settings.circuitBreaker(), settings.timeouts().responseHeaders(), this.clock));
			}
		});
		synchronized (this.configured) {
			this.configured.add(factory);
		}
	}

	/**
	 * Whether this customizer configured the factory (it did not when the application
	 * defines its own factory bean, which Spring Cloud does not customize).
	 * @param factory the factory
	 * @return whether it holds Sentinel's configurations
	 */
	boolean hasConfigured(ReactiveResilience4JCircuitBreakerFactory factory) {
		synchronized (this.configured) {
			return this.configured.contains(factory);
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
