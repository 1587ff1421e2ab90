package io.httpsentinel.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.junit.jupiter.api.AfterEach;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.resilience.ClientStateStore;
import io.httpsentinel.resilience.PacingSchedule;
import io.httpsentinel.resilience.RateLimitSettings;
import io.httpsentinel.resilience.ResilienceSupport;
import io.httpsentinel.testsupport.QuotaUpstream;
import io.httpsentinel.testsupport.QuotaUpstream.Style;
import io.httpsentinel.testsupport.RedisTarget;
import io.httpsentinel.testsupport.RedisTest;
import io.httpsentinel.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas of an adaptive client (each its own client factory and Redis connection)
 * against one real upstream enforcing a quota of 20 requests a second: both read the same
 * remaining quota in the headers, and pacing on one schedule in Redis keeps them together
 * within it.
 */
class SharedPacingIntegrationTests {

	private static final int REQUESTS_PER_REPLICA = 30;

	private final List<RedisClient> redisClients = new ArrayList<>();

	private final TestClients clients = new TestClients();

	private QuotaUpstream upstream;

	@AfterEach
	void stop() {
		this.clients.close();
		if (this.upstream != null) {
			this.upstream.close();
		}
		this.redisClients.forEach((client) -> client.shutdown(Duration.ZERO, Duration.ofSeconds(5)));
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
		StatefulRedisConnection<String, byte[]> connection = connect(redis);
		ClientStateStore store = new ClientStateStore() {

			@Override
			public PacingSchedule pacingSchedule(String clientName, RateLimitSettings settings, PacingSchedule local) {
				return new RedisPacingSchedule(connection::async, RedisPacingSchedule.key("sentinel:", clientName),
						Duration.ofMillis(100), local);
			}

		};
		ResilienceSupport standalone = ResilienceSupport.standalone(Clock.systemUTC(), Schedulers::parallel, List.of());
		ResilienceSupport support = new ResilienceSupport(standalone.circuitBreakerFactory(), false,
				standalone.circuitBreakerProperties(), standalone.clock(), standalone.scheduler(),
				standalone.deadlines(), List.of(), store);
		SentinelClientFactory factory = new SentinelClientFactory(WebClient::builder, null, List.of(), support);
		return this.clients.create(factory, this.upstream.baseUrl(),
				(settings) -> QuotaUpstream.withoutRetries(settings, true));
	}

	private static Flux<Integer> send(SentinelClient client) {
		return QuotaUpstream.send(client, REQUESTS_PER_REPLICA, 2);
	}

	private StatefulRedisConnection<String, byte[]> connect(RedisTarget redis) {
		RedisClient client = RedisClient.create(RedisURI.create(redis.uri()));
		this.redisClients.add(client);
		return client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
	}

}
