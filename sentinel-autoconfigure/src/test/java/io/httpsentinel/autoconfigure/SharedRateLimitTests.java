package io.httpsentinel.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.health.ClientState;
import io.httpsentinel.health.SentinelHealthIndicator;
import io.httpsentinel.metrics.SentinelClientMetrics;
import io.httpsentinel.resilience.RateLimitExceededException;
import io.httpsentinel.resilience.SharedRateLimitUnavailableException;
import io.httpsentinel.resilience.SharedRateLimitView;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.RedisTarget;
import io.httpsentinel.testsupport.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rate limit shared through a real Redis by separate application contexts (replicas),
 * and what happens when Redis fails: killed, stalled, restarted.
 */
class SharedRateLimitTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** Generous: a busy test machine must not make Redis look failed. */
	private static final String PATIENT_REDIS = "sentinel.clients.api.rate-limit.redis.timeout=2s";

	private static final Duration FAILURE_TIMEOUT = Duration.ofMillis(200);

	private final ApplicationContextRunner replica = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelRedisAutoConfiguration.class, SentinelAutoConfiguration.class,
				WebClientAutoConfiguration.class, SslAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS);

	private final AtomicInteger served = new AtomicInteger();

	private LoopbackServer upstream;

	@BeforeEach
	void startUpstream() {
		this.upstream = LoopbackServer.start((routes) -> routes.get("/hit", (request, response) -> {
			this.served.incrementAndGet();
			return response.sendString(Mono.just("ok"));
		}));
	}

	@AfterEach
	void stopUpstream() {
		this.upstream.close();
	}

	private ApplicationContextRunner replicaOf(RedisTarget redis, String... properties) {
		return this.replica.withPropertyValues("sentinel.clients.api.base-url=" + this.upstream.baseUrl(),
				"sentinel.clients.api.retry.max-retries=0", "sentinel.clients.api.rate-limit.requests-per-minute=10",
				"sentinel.clients.api.rate-limit.store=redis", "sentinel.redis.url=" + redis.uri(),
				"sentinel.redis.key-prefix=test-" + System.nanoTime() + ":")
			.withPropertyValues(properties);
	}

	@RedisTest
	void twoReplicasTogetherSpendTheConfiguredLimitOnce(RedisTarget redis) {
		// No wait: a request without a token is refused, so the count is exact.
		ApplicationContextRunner replicas = replicaOf(redis, PATIENT_REDIS,
				"sentinel.clients.api.rate-limit.max-wait=0s");
		List<Outcome> outcomes = new ArrayList<>();
		replicas.run((first) -> replicas.run((second) -> {
			for (int i = 0; i < 8; i++) {
				outcomes.add(call(client(first)));
				outcomes.add(call(client(second)));
			}
			assertThat(client(first).sharedRateLimit())
				.hasValueSatisfying((shared) -> assertThat(shared.fallingBackSince()).as("Redis answered").isEmpty());
			// The refusal says how long the shared bucket would have made it wait.
			Throwable refused = errorOf(client(first));
			assertThat(refused).isInstanceOfSatisfying(RateLimitExceededException.class,
					(ex) -> assertThat(ex.wouldWait()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(6)));
		}));
		// 10 per minute with a burst of 10: at most one more token refills while the test
		// runs.
		long sent = outcomes.stream().filter((outcome) -> outcome == Outcome.SENT).count();
		assertThat(sent).isBetween(10L, 11L);
		assertThat(outcomes).filteredOn((outcome) -> outcome == Outcome.LIMITED).hasSize(16 - (int) sent);
		assertThat(this.served).hasValue((int) sent);
	}

	@Test
	void withTheLocalStoreEachReplicaHasTheWholeLimit() {
		ApplicationContextRunner replicas = this.replica.withPropertyValues(
				"sentinel.clients.api.base-url=" + this.upstream.baseUrl(), "sentinel.clients.api.retry.max-retries=0",
				"sentinel.clients.api.rate-limit.requests-per-minute=10",
				"sentinel.clients.api.rate-limit.max-wait=0s");
		List<Outcome> outcomes = new ArrayList<>();
		replicas.run((first) -> replicas.run((second) -> {
			assertThat(client(first).sharedRateLimit()).isEmpty();
			for (int i = 0; i < 12; i++) {
				outcomes.add(call(client(first)));
				outcomes.add(call(client(second)));
			}
		}));
		assertThat(outcomes).filteredOn((outcome) -> outcome == Outcome.SENT).hasSize(20);
	}

	@RedisTest
	void redisKilledFallsBackToTheLocalShareAtOnceAndRecoversWhenItIsBack(RedisTarget redis) {
		replicaOf(redis, "sentinel.clients.api.rate-limit.redis.timeout=" + FAILURE_TIMEOUT.toMillis() + "ms",
				"sentinel.clients.api.rate-limit.redis.replicas=2", "sentinel.clients.api.rate-limit.max-wait=0s")
			.run((context) -> {
				SentinelClient client = client(context);
				SharedRateLimitView shared = client.sharedRateLimit().orElseThrow();
				assertThat(call(client)).isEqualTo(Outcome.SENT);
				redis.kill();
				List<Outcome> duringOutage = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					long start = System.nanoTime();
					duringOutage.add(call(client));
					assertThat(Duration.ofNanos(System.nanoTime() - start)).as("request %d", i)
						.isLessThan(FAILURE_TIMEOUT.plusMillis(300));
				}
				// This replica's share: 10 / 2 replicas = 5 per minute, burst 5.
				assertThat(duringOutage).filteredOn((outcome) -> outcome == Outcome.SENT).hasSize(5);
				assertThat(shared.fallingBackSince()).isPresent();
				assertThat(shared.fallbacks()).isEqualTo(1);
				assertThat(shared.fallbackRequests()).isEqualTo(8);
				MeterRegistry meters = new SimpleMeterRegistry();
				new SentinelClientMetrics(List.of(client)).bindTo(meters);
				assertThat(meters.get("sentinel.client.rate.limit.redis.falling.back").gauge().value()).isEqualTo(1);
				assertThat(meters.get("sentinel.client.rate.limit.redis.fallback.requests").functionCounter().count())
					.isEqualTo(8);
				Health health = new SentinelHealthIndicator(client).health();
				assertThat(health.getStatus()).as("Redis failing is not the client failing").isEqualTo(Status.UP);
				assertThat(health.getDetails().get("sharedRateLimit")).isInstanceOfSatisfying(
						ClientState.SharedRateLimitState.class,
						(state) -> assertThat(state.state()).isEqualTo("FALLBACK"));
				redis.restart();
				awaitTrue(() -> shared.fallingBackSince().isEmpty(), "the limiter to use Redis again");
				assertThat(call(client)).isEqualTo(Outcome.SENT);
				assertThat(shared.fallbackRequests()).isEqualTo(8);
				assertThat(meters.get("sentinel.client.rate.limit.redis.falling.back").gauge().value()).isZero();
				assertThat(ClientState.of(client).sharedRateLimit().state()).isEqualTo("SHARED");
			});
	}

	@RedisTest
	void redisStalledMakesNoRequestWaitLongerThanTheRedisTimeout(RedisTarget redis) {
		replicaOf(redis, "sentinel.clients.api.rate-limit.redis.timeout=" + FAILURE_TIMEOUT.toMillis() + "ms",
				"sentinel.clients.api.rate-limit.redis.on-failure=allow")
			.run((context) -> {
				SentinelClient client = client(context);
				SharedRateLimitView shared = client.sharedRateLimit().orElseThrow();
				assertThat(call(client)).isEqualTo(Outcome.SENT);
				redis.pause();
				try {
					// A late answer decides its request alone; three in a row start the
					// fallback.
					for (int i = 0; i < 3; i++) {
						long start = System.nanoTime();
						assertThat(call(client)).isEqualTo(Outcome.SENT);
						assertThat(Duration.ofNanos(System.nanoTime() - start)).as("late answer %d", i + 1)
							.isGreaterThanOrEqualTo(FAILURE_TIMEOUT)
							.isLessThan(FAILURE_TIMEOUT.plusMillis(500));
						if (i == 0) {
							assertThat(shared.fallingBackSince()).as("after one late answer").isEmpty();
						}
					}
					// Falling back: the next ones do not ask Redis at all ("allow": no
					// limit).
					for (int i = 0; i < 20; i++) {
						long start = System.nanoTime();
						assertThat(call(client)).isEqualTo(Outcome.SENT);
						assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAILURE_TIMEOUT);
					}
					assertThat(shared.fallbackRequests()).isEqualTo(23);
				}
				finally {
					redis.resume();
				}
				awaitTrue(() -> shared.fallingBackSince().isEmpty(), "the limiter to use Redis again");
				assertThat(shared.fallbacks()).isEqualTo(1);
			});
	}

	@RedisTest
	void denyRefusesEveryRequestWhileRedisIsDown(RedisTarget redis) {
		replicaOf(redis, "sentinel.clients.api.rate-limit.redis.timeout=" + FAILURE_TIMEOUT.toMillis() + "ms",
				"sentinel.clients.api.rate-limit.redis.on-failure=deny")
			.run((context) -> {
				SentinelClient client = client(context);
				redis.kill();
				Throwable error = errorOf(client);
				assertThat(error).isInstanceOf(SharedRateLimitUnavailableException.class)
					.hasMessageContaining("'api'")
					.hasMessageContaining(redis.host() + ":" + redis.port());
				assertThat(this.served).hasValue(0);
			});
	}

	@Test
	void theRedisStoreWithoutAnyRedisFailsStartupNamingTheClientAndKey() {
		StartupFailure.assertNamesKey(this.replica, "sentinel.clients.api.rate-limit.store", "needs a Redis",
				"sentinel.clients.api.base-url=http://127.0.0.1:1",
				"sentinel.clients.api.rate-limit.requests-per-second=5", "sentinel.clients.api.rate-limit.store=redis");
	}

	@Test
	void aMalformedRedisUrlFailsStartupNamingIt() {
		StartupFailure.assertNamesKey(this.replica, "sentinel.redis.url", "is not a Redis URL",
				"sentinel.clients.api.base-url=http://127.0.0.1:1",
				"sentinel.clients.api.rate-limit.requests-per-second=5", "sentinel.clients.api.rate-limit.store=redis",
				"sentinel.redis.url=localhost:6379");
	}

	@Test
	void theRedisStoreWithNothingToShareFailsStartup() {
		StartupFailure.assertNamesKey(this.replica, "sentinel.clients.api.rate-limit.store", "shares nothing",
				"sentinel.clients.api.base-url=http://127.0.0.1:1", "sentinel.defaults.rate-limit.store=redis",
				"sentinel.redis.url=redis://127.0.0.1:1");
	}

	private static SentinelClient client(AssertableApplicationContext context) {
		return context.getBean(SentinelClients.class).get("api");
	}

	private static Outcome call(SentinelClient client) {
		return client.webClient()
			.get()
			.uri("/hit")
			.retrieve()
			.toBodilessEntity()
			.map((entity) -> Outcome.SENT)
			.onErrorResume(RateLimitExceededException.class, (ex) -> Mono.just(Outcome.LIMITED))
			.block(TIMEOUT);
	}

	private static Throwable errorOf(SentinelClient client) {
		return client.webClient()
			.get()
			.uri("/hit")
			.retrieve()
			.toBodilessEntity()
			.map((entity) -> (Throwable) null)
			.onErrorResume(Mono::just)
			.block(TIMEOUT);
	}

	private static void awaitTrue(BooleanSupplier condition, String what) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
			Thread.onSpinWait();
		}
	}

	private enum Outcome {

		SENT, LIMITED

	}

}
