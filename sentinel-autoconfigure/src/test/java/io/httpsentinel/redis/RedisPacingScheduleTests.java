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
import reactor.core.scheduler.Schedulers;

import io.httpsentinel.resilience.PacingSchedule;
import io.httpsentinel.resilience.RateLimiter;
import io.httpsentinel.testsupport.RedisTarget;
import io.httpsentinel.testsupport.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link RedisPacingSchedule} on a real Redis: replicas (here, schedules on connections
 * of their own) share the slots of one key, and a Redis that fails or stalls costs a
 * reservation no more than the timeout before this replica's own schedule answers.
 */
class RedisPacingScheduleTests {

	private static final long SECOND = 1_000_000_000L;

	private static final long MINUTE = 60 * SECOND;

	private static final Duration TIMEOUT = Duration.ofMillis(100);

	private static final String KEY = RedisPacingSchedule.key("sentinel:", "openai");

	private final List<RedisClient> clients = new ArrayList<>();

	@AfterEach
	void shutDownClients() {
		this.clients.forEach((client) -> client.shutdown(Duration.ZERO, Duration.ofSeconds(5)));
	}

	@RedisTest
	void replicasSharingAKeySpreadTheQuotaLeftTogether(RedisTarget redis) {
		RedisPacingSchedule first = schedule(redis);
		RedisPacingSchedule second = schedule(redis);
		// 10 left over 10s, reserved in turn by two replicas, as their pacers would.
		for (int i = 0; i < 10; i++) {
			RedisPacingSchedule replica = (i % 2 == 0) ? first : second;
			long wait = reserve(replica, 10 * SECOND, 10 - i, MINUTE);
			assertThat(wait).as("slot %d", i).isCloseTo(i * SECOND, within(SECOND / 5));
		}
		assertThat(first.isFallingBack()).isFalse();
	}

	@RedisTest
	void nothingLeftWaitsForTheReset(RedisTarget redis) {
		assertThat(reserve(schedule(redis), 5 * SECOND, 0, MINUTE)).isCloseTo(5 * SECOND, within(SECOND / 5));
	}

	@RedisTest
	void nothingLeftGoesAtTheResetThenAtThePace(RedisTarget redis) {
		RedisPacingSchedule schedule = schedule(redis);
		assertThat(schedule.reserveAsync(5 * SECOND, 0, SECOND, MINUTE).block(Duration.ofSeconds(5)))
			.isCloseTo(5 * SECOND, within(SECOND / 5));
		assertThat(schedule.reserveAsync(5 * SECOND, 0, SECOND, MINUTE).block(Duration.ofSeconds(5)))
			.isCloseTo(6 * SECOND, within(SECOND / 5));
	}

	@RedisTest
	void aSlotPastTheResetKeepsThePaceInsteadOfBeingHandedAgain(RedisTarget redis) {
		RedisPacingSchedule schedule = schedule(redis);
		reserve(schedule, 5 * SECOND, 0, MINUTE);
		// The next slot (10s) lies past this newer reset (1s): requests left or not, each
		// takes the pace after it, not the same slot.
		long first = schedule.reserveAsync(SECOND, 5, 2 * SECOND, MINUTE).block(Duration.ofSeconds(5));
		long second = schedule.reserveAsync(SECOND, 5, 2 * SECOND, MINUTE).block(Duration.ofSeconds(5));
		assertThat(first).isCloseTo(10 * SECOND, within(SECOND / 5));
		assertThat(second - first).isCloseTo(2 * SECOND, within(SECOND / 100));
	}

	@RedisTest
	void slotFurtherThanTheMaxWaitIsRefusedAndReservesNothing(RedisTarget redis) {
		RedisPacingSchedule schedule = schedule(redis);
		assertThat(reserve(schedule, 5 * SECOND, 0, SECOND)).isEqualTo(RateLimiter.REFUSED);
		assertThat(reserve(schedule, 10 * SECOND, 10, MINUTE)).isLessThan(SECOND / 5);
	}

	@RedisTest
	void keyExpiresOnceItsSlotPassed(RedisTarget redis) {
		RedisPacingSchedule schedule = schedule(redis);
		reserve(schedule, 10 * SECOND, 2, MINUTE);
		try (StatefulRedisConnection<String, byte[]> connection = connect(redis)) {
			// The next slot is 5s away; the key lives a second longer.
			assertThat(connection.sync().pttl(KEY)).isBetween(5000L, 6000L);
		}
	}

	@RedisTest
	void killedRedisFallsBackToThisReplicasScheduleAndRecovers(RedisTarget redis) {
		RedisPacingSchedule schedule = schedule(redis);
		reserve(schedule, 10 * SECOND, 10, MINUTE);
		redis.kill();
		long started = System.nanoTime();
		// The local schedule's slot: the first one, now.
		assertThat(reserve(schedule, 10 * SECOND, 10, MINUTE)).isZero();
		assertThat(System.nanoTime() - started).isLessThan(TIMEOUT.toNanos() + SECOND);
		assertThat(schedule.isFallingBack()).isTrue();
		redis.restart();
		long deadline = System.nanoTime() + 30 * SECOND;
		while (schedule.isFallingBack() && System.nanoTime() < deadline) {
			reserve(schedule, SECOND, 1000, MINUTE);
		}
		assertThat(schedule.isFallingBack()).isFalse();
	}

	@RedisTest
	void stalledRedisCostsNoMoreThanTheTimeout(RedisTarget redis) {
		RedisPacingSchedule schedule = schedule(redis);
		reserve(schedule, 10 * SECOND, 10, MINUTE);
		redis.pause();
		try {
			long started = System.nanoTime();
			assertThat(reserve(schedule, 10 * SECOND, 10, MINUTE)).isZero();
			assertThat(System.nanoTime() - started).isLessThan(TIMEOUT.toNanos() + SECOND / 2);
			assertThat(schedule.isFallingBack()).isTrue();
		}
		finally {
			redis.resume();
		}
	}

	private RedisPacingSchedule schedule(RedisTarget redis) {
		StatefulRedisConnection<String, byte[]> connection = connect(redis);
		return new RedisPacingSchedule(connection::async, KEY, TIMEOUT, Schedulers.parallel(),
				PacingSchedule.local(Clock.systemUTC()));
	}

	private StatefulRedisConnection<String, byte[]> connect(RedisTarget redis) {
		RedisClient client = RedisClient.create(RedisURI.create(redis.uri()));
		this.clients.add(client);
		return client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
	}

	private static long reserve(PacingSchedule schedule, long untilReset, long remaining, long maxWait) {
		return schedule.reserveAsync(untilReset, remaining, untilReset, maxWait).block(Duration.ofSeconds(5));
	}

}
