package io.httpsentinel.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.AfterEach;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.resilience.RateLimitStore;
import io.httpsentinel.resilience.ResilienceSupport;
import io.httpsentinel.testsupport.QuotaUpstream;
import io.httpsentinel.testsupport.QuotaUpstream.Style;
import io.httpsentinel.testsupport.RedisTarget;
import io.httpsentinel.testsupport.RedisTest;
import io.httpsentinel.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas of an adaptive client with {@code rate-limit.store: redis} (each its own
 * client factory and {@link RedisClientStateStore}) against one real upstream enforcing a
 * quota of 20 requests a second: both read the same remaining quota in the headers, and
 * pacing on one schedule in Redis keeps them together within it.
 */
class SharedPacingIntegrationTests {

	private static final int REQUESTS_PER_REPLICA = 30;

	private final List<RedisClientStateStore> stores = new ArrayList<>();

	private final TestClients clients = new TestClients();

	private QuotaUpstream upstream;

	@AfterEach
	void stop() throws Exception {
		this.clients.close();
		if (this.upstream != null) {
			this.upstream.close();
		}
		for (RedisClientStateStore store : this.stores) {
			store.close();
		}
	}

	@RedisTest
	void replicasPacingOnOneScheduleInRedisStayWithinTheQuota(RedisTarget redis) {
		this.upstream = new QuotaUpstream(20, Duration.ofSeconds(1), Style.OPENAI);
		SentinelClient first = replica(redis);
		SentinelClient second = replica(redis);
		List<Integer> statuses = Flux.merge(send(first), send(second)).collectList().block(Duration.ofSeconds(30));
		assertThat(statuses).hasSize(2 * REQUESTS_PER_REPLICA);
		// Without pacing, 40 of the 60 would meet a 429. With it, a replica learns of the
		// other's requests from its next response: about one per replica per window may
		// overshoot it (3 to 6 seen on loopback).
		assertThat(statuses.stream().filter((status) -> status == 429)).hasSizeLessThanOrEqualTo(8);
	}

	private SentinelClient replica(RedisTarget redis) {
		RedisConnection connection = new RedisConnection(RedisURI.create(redis.uri()), null, "sentinel:");
		connection.connect(Duration.ofSeconds(5));
		RedisClientStateStore store = new RedisClientStateStore(connection, Clock.systemUTC(), Schedulers.parallel());
		this.stores.add(store);
		ResilienceSupport standalone = ResilienceSupport.standalone(Clock.systemUTC(), Schedulers::parallel, List.of());
		ResilienceSupport support = new ResilienceSupport(standalone.circuitBreakerFactory(), false,
				standalone.circuitBreakerProperties(), standalone.clock(), standalone.scheduler(),
				standalone.deadlines(), List.of(), store);
		SentinelClientFactory factory = new SentinelClientFactory(WebClient::builder, null, List.of(), support);
		return this.clients.create(factory, this.upstream.baseUrl(),
				(settings) -> QuotaUpstream.withoutRetries(settings, true, RateLimitStore.REDIS));
	}

	private static Flux<Integer> send(SentinelClient client) {
		return QuotaUpstream.send(client, REQUESTS_PER_REPLICA, 2);
	}

}
