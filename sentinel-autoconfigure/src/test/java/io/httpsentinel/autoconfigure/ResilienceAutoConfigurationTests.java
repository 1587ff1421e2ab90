package io.httpsentinel.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.resilience.AttemptEvent;
import io.httpsentinel.resilience.RateLimitExceededException;
import io.httpsentinel.resilience.RetryListener;
import io.httpsentinel.testsupport.LoopbackServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resilience pipeline as the auto-configuration wires it, with Spring Cloud
 * CircuitBreaker's own auto-configuration (time limiter, bulkhead) in place.
 */
class ResilienceAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final LoopbackServer server = LoopbackServer.start((routes) -> routes
		.get("/slow-stream",
				(request, response) -> response.header("content-type", MediaType.TEXT_EVENT_STREAM_VALUE)
					.sendString(Flux.interval(Duration.ofMillis(1500)).take(3).map((i) -> "data: " + i + "\n\n"),
							java.nio.charset.StandardCharsets.UTF_8))
		.get("/ok", (request, response) -> response.sendString(Mono.just("ok")))
		.get("/unavailable", (request, response) -> response.status(503).send()));

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelAutoConfiguration.class, WebClientAutoConfiguration.class,
				SslAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS)
		.withPropertyValues("sentinel.clients.llm.base-url=" + this.server.baseUrl());

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void fortyConcurrentStreamsWithGapsLongerThanASecondAllComplete() {
		this.contextRunner.run((context) -> {
			SentinelClient client = context.getBean(SentinelClients.class).get("llm");
			List<List<String>> streams = Flux.range(0, 40)
				.flatMap((i) -> client.webClient()
					.get()
					.uri("/slow-stream")
					.retrieve()
					.bodyToFlux(String.class)
					.collectList(), 40)
				.collectList()
				.block(TIMEOUT);
			// Neither Spring Cloud's 1s time limiter nor its 25-call bulkhead applies.
			assertThat(streams).hasSize(40).allSatisfy((events) -> assertThat(events).containsExactly("0", "1", "2"));
			CircuitBreaker breaker = client.circuitBreaker().resilience4j();
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
			assertThat(breaker.getMetrics().getNumberOfSlowCalls()).isZero();
		});
	}

	@Test
	void clientsBreakerUsesItsCircuitBreakerSettings() {
		this.contextRunner
			.withPropertyValues("sentinel.clients.llm.circuit-breaker.failure-rate-threshold=25",
					"sentinel.clients.llm.circuit-breaker.minimum-calls=7",
					"sentinel.clients.llm.circuit-breaker.sliding-window=3m")
			.run((context) -> {
				CircuitBreakerConfig config = breakerConfig(context);
				assertThat(config.getFailureRateThreshold()).isEqualTo(25f);
				assertThat(config.getMinimumNumberOfCalls()).isEqualTo(7);
				assertThat(config.getSlidingWindowSize()).isEqualTo(180);
			});
	}

	@Test
	void usersOwnCustomizerStillConfiguresTheClientsBreaker() {
		this.contextRunner.withUserConfiguration(UserBreakerCustomizer.class).run((context) -> {
			CircuitBreakerConfig config = breakerConfig(context);
			assertThat(config.getMinimumNumberOfCalls()).isEqualTo(2);
		});
	}

	@Test
	void retryListenerBeansSeeEveryAttempt() {
		this.contextRunner.withUserConfiguration(RecordingListener.class)
			.withPropertyValues("sentinel.clients.llm.retry.initial-delay=5ms",
					"sentinel.clients.llm.retry.max-delay=5ms")
			.run((context) -> {
				SentinelClient client = context.getBean(SentinelClients.class).get("llm");
				client.webClient()
					.get()
					.uri("/unavailable")
					.retrieve()
					.toBodilessEntity()
					.onErrorResume((error) -> Mono.empty())
					.block(TIMEOUT);
				assertThat(context.getBean(RecordingListener.class).events).extracting(AttemptEvent::attempt)
					.containsExactly(1, 2, 3);
			});
	}

	@Test
	void clientRestrictedListenerHearsOnlyItsClient() {
		this.contextRunner.withUserConfiguration(OtherClientListener.class)
			.withPropertyValues("sentinel.clients.other.base-url=" + this.server.baseUrl())
			.run((context) -> {
				SentinelClients clients = context.getBean(SentinelClients.class);
				clients.get("llm").webClient().get().uri("/ok").retrieve().bodyToMono(String.class).block(TIMEOUT);
				clients.get("other").webClient().get().uri("/ok").retrieve().bodyToMono(String.class).block(TIMEOUT);
				assertThat(context.getBean(OtherClientListener.class).events).extracting(AttemptEvent::clientName)
					.containsExactly("other");
			});
	}

	@Test
	void rateLimitWithoutWaitingRejectsTheRequestOverTheRate() {
		this.contextRunner
			.withPropertyValues("sentinel.clients.llm.rate-limit.requests-per-minute=2",
					"sentinel.clients.llm.rate-limit.max-wait=0s")
			.run((context) -> {
				SentinelClient client = context.getBean(SentinelClients.class).get("llm");
				for (int i = 0; i < 2; i++) {
					assertThat(client.webClient().get().uri("/ok").retrieve().bodyToMono(String.class).block(TIMEOUT))
						.isEqualTo("ok");
				}
				assertThat(client.webClient()
					.get()
					.uri("/ok")
					.retrieve()
					.bodyToMono(String.class)
					.map(Object.class::cast)
					.onErrorResume(Mono::just)
					.block(TIMEOUT)).isInstanceOf(RateLimitExceededException.class);
			});
	}

	@Test
	void rateLimitMakesRequestsWaitForTheirTurn() {
		this.contextRunner
			.withPropertyValues("sentinel.clients.llm.rate-limit.requests-per-second=5",
					"sentinel.clients.llm.rate-limit.burst=1")
			.run((context) -> {
				SentinelClient client = context.getBean(SentinelClients.class).get("llm");
				long start = System.nanoTime();
				Flux.range(0, 4)
					.flatMap((i) -> client.webClient().get().uri("/ok").retrieve().bodyToMono(String.class))
					.collectList()
					.block(TIMEOUT);
				// One at once, then one every 200ms.
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
			});
	}

	@Test
	void invalidResilienceSettingsFailNamingClientAndKey() {
		assertStartupFailure("sentinel.clients.llm.retry.max-delay", "must not be shorter than retry.initial-delay",
				"sentinel.clients.llm.retry.initial-delay=2s", "sentinel.clients.llm.retry.max-delay=1s");
		assertStartupFailure("sentinel.clients.llm.retry.jitter", "between 0 and 1",
				"sentinel.clients.llm.retry.jitter=1.5");
		assertStartupFailure("sentinel.clients.llm.retry.budget.ratio", "greater than 0 and at most 1",
				"sentinel.clients.llm.retry.budget.ratio=0");
		assertStartupFailure("sentinel.defaults.retry.budget.ratio", "greater than 0 and at most 1",
				"sentinel.defaults.retry.budget.ratio=1.5");
		assertStartupFailure("sentinel.clients.llm.rate-limit.requests-per-minute", "must be greater than 0",
				"sentinel.clients.llm.rate-limit.requests-per-minute=0");
		assertStartupFailure("sentinel.clients.llm.rate-limit.requests-per-second", "must be greater than 0",
				"sentinel.clients.llm.rate-limit.requests-per-second=-3");
		assertStartupFailure("sentinel.clients.llm.circuit-breaker.sliding-window",
				"must be at least twice timeouts.response-headers",
				"sentinel.clients.llm.circuit-breaker.sliding-window=30s",
				"sentinel.clients.llm.timeouts.response-headers=20s");
		assertStartupFailure("sentinel.clients.llm.retry.statuses", "must be HTTP statuses",
				"sentinel.clients.llm.retry.statuses=503,42");
	}

	private static CircuitBreakerConfig breakerConfig(ApplicationContext context) {
		return context.getBean(SentinelClients.class)
			.get("llm")
			.circuitBreaker()
			.resilience4j()
			.getCircuitBreakerConfig();
	}

	private void assertStartupFailure(String key, String reason, String... properties) {
		StartupFailure.assertNamesKey(this.contextRunner, key, reason, properties);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBreakerCustomizer {

		@Bean
		Customizer<ReactiveResilience4JCircuitBreakerFactory> userBreaker() {
			return (factory) -> factory
				.configure(
						(builder) -> builder
							.circuitBreakerConfig(CircuitBreakerConfig.custom().minimumNumberOfCalls(2).build()),
						"llm");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OtherClientListener {

		final List<AttemptEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Bean
		RetryListener otherOnly() {
			return RetryListener.forClient("other", this.events::add);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingListener implements RetryListener {

		final List<AttemptEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Override
		public void onAttempt(AttemptEvent event) {
			this.events.add(event);
		}

	}

}
