package io.httpsentinel.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.bulkhead.Bulkhead;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4jBulkheadProvider;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigurationProperties;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientCustomizer;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.resilience.BackendDiscovery;
import io.httpsentinel.resilience.CircuitBreakers;
import io.httpsentinel.resilience.ClientStateStore;
import io.httpsentinel.resilience.DeadlineTimer;
import io.httpsentinel.resilience.ResilienceSupport;
import io.httpsentinel.resilience.RetryListener;

/**
 * Auto-configuration for Sentinel: one pooled {@link SentinelClient} per entry of
 * {@code sentinel.clients}, each with its resilience pipeline, in a
 * {@link SentinelClients} registry. A {@link SentinelClientConnectionDetails} bean
 * overrides the base URL of the client it names.
 */
@AutoConfiguration(after = { WebClientAutoConfiguration.class, SslAutoConfiguration.class },
		afterName = "org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JAutoConfiguration")
@ConditionalOnClass({ WebClient.class, HttpClient.class, ReactiveResilience4JCircuitBreakerFactory.class })
@EnableConfigurationProperties(SentinelProperties.class)
public final class SentinelAutoConfiguration {

	@Bean
	SentinelCircuitBreakerCustomizer sentinelCircuitBreakerCustomizer(SentinelProperties properties,
			ObjectProvider<Resilience4JConfigurationProperties> circuitBreakerProperties) {
		return new SentinelCircuitBreakerCustomizer(ClientSettingsMapper.mapAll(properties),
				circuitBreakerProperties.getIfAvailable(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	ResilienceSupport sentinelResilienceSupport(
			ObjectProvider<ReactiveResilience4JCircuitBreakerFactory> circuitBreakerFactory,
			ObjectProvider<Resilience4JConfigurationProperties> circuitBreakerProperties,
			SentinelCircuitBreakerCustomizer circuitBreakerCustomizer, ObjectProvider<RetryListener> listeners,
			SentinelProperties properties, ObjectProvider<ClientStateStore> stateStore,
			ObjectProvider<BackendDiscovery> backendDiscovery) {
		ReactiveResilience4JCircuitBreakerFactory factory = circuitBreakerFactory.getIfAvailable();
		List<RetryListener> allListeners = listeners.orderedStream().toList();
		ClientStateStore store = stateStore.getIfAvailable(() -> ClientStateStore.LOCAL);
		checkStoreAvailable(properties, store);
		// Without Spring Cloud LoadBalancer, an lb:// base URL fails at startup saying
		// so.
		BackendDiscovery discovery = backendDiscovery.getIfAvailable(() -> BackendDiscovery.NONE);
		if (factory == null) {
			return ResilienceSupport.standalone(Clock.systemUTC(), Schedulers::parallel, allListeners)
				.withStateStore(store)
				.withBackendDiscovery(discovery);
		}
		return new ResilienceSupport(factory, circuitBreakerCustomizer.hasConfigured(factory),
				circuitBreakerProperties.getIfAvailable(), Clock.systemUTC(), Schedulers::parallel,
				DeadlineTimer.wheel(), allListeners, store, discovery);
	}

	/**
	 * A client asking for the Redis store gets it, or startup fails naming it: the Redis
	 * store is only configured when Lettuce and Bucket4j's Lettuce integration are on the
	 * class path.
	 */
	private static void checkStoreAvailable(SentinelProperties properties, ClientStateStore store) {
		String sharing = ClientSettingsMapper.firstSharingClient(ClientSettingsMapper.mapAll(properties));
		if (sharing != null && store == ClientStateStore.LOCAL) {
			throw new InvalidConfigurationPropertyValueException(
					ClientSettingsMapper.clientPrefix(sharing) + ".rate-limit.store", "redis",
					"needs io.lettuce:lettuce-core and com.bucket4j:bucket4j_jdk17-lettuce on the class path "
							+ "(or spring-boot-starter-data-redis and com.bucket4j:bucket4j_jdk17-lettuce)");
		}
	}

	@Bean
	@ConditionalOnMissingBean
	SentinelClientFactory sentinelClientFactory(ObjectProvider<WebClient.Builder> webClientBuilder,
			ObjectProvider<RestClient.Builder> restClientBuilder, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<SentinelClientCustomizer> customizers, ResilienceSupport resilienceSupport) {
		return new SentinelClientFactory(() -> webClientBuilder.getIfAvailable(WebClient::builder),
				() -> restClientBuilder.getIfAvailable(RestClient::builder), sslBundles.getIfAvailable(),
				customizers.orderedStream().toList(), resilienceSupport);
	}

	@Bean
	@ConditionalOnMissingBean
	SentinelClients sentinelClients(SentinelProperties properties, SentinelClientFactory factory,
			ObjectProvider<SentinelClientConnectionDetails> connectionDetails) {
		Map<String, ClientSettings> configured = ConnectionDetailsBaseUrls
			.apply(ClientSettingsMapper.mapAll(properties), connectionDetails.orderedStream().toList());
		List<SentinelClient> clients = new ArrayList<>();
		try {
			configured.forEach((name, settings) -> clients.add(ClientSettingsMapper
				.withKeyPrefix(ClientSettingsMapper.clientPrefix(name), () -> factory.create(name, settings))));
		}
		catch (RuntimeException ex) {
			// Startup fails: release the pools of the clients created so far.
			new SentinelClients(clients).close();
			throw ex;
		}
		return new SentinelClients(clients);
	}

	/**
	 * Spring Cloud puts a bulkhead of 25 concurrent calls around every breaker when
	 * {@code resilience4j-bulkhead} is on the class path (Sentinel does not bring it):
	 * lifted for Sentinel's clients.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Bulkhead.class)
	static class BulkheadConfiguration {

		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		Customizer<ReactiveResilience4jBulkheadProvider> sentinelBulkheadCustomizer(SentinelProperties properties) {
			return (bulkheads) -> properties.getClients()
				.keySet()
				.forEach((name) -> CircuitBreakers.liftBulkhead(bulkheads, name));
		}

	}

}
