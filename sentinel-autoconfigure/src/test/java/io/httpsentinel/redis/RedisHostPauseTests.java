package io.httpsentinel.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;

import io.httpsentinel.resilience.HostPauseGates;
import io.httpsentinel.testsupport.RedisTarget;
import io.httpsentinel.testsupport.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shared host pause across replicas: each replica has its own Lettuce client, pause
 * channel and local gate, and they share one real Redis.
 */
class RedisHostPauseTests {

	private static final String QUOTA = "openai";

	private static final String KEY = PauseReplica.PREFIX + "pause:" + QUOTA;

	private static final Duration TIMEOUT = Duration.ofMillis(50);

	private static final Duration REFRESH = Duration.ofMillis(200);

	private static final Duration DEADLINE = Duration.ofSeconds(10);

	/** The bound of the issue, and slack for a shared 2-core machine. */
	private static final Duration PROPAGATION = Duration.ofMillis(100).plusMillis(100);

	private final Clock clock = Clock.systemUTC();

	private final List<AutoCloseable> opened = new ArrayList<>();

	private RedisCommands<String, String> observer;

	@AfterEach
	void closeReplicas() throws Exception {
		for (int i = this.opened.size() - 1; i >= 0; i--) {
			this.opened.get(i).close();
		}
	}

	@RedisTest
	void pauseOnOneReplicaReachesTheOtherWithin100Milliseconds(RedisTarget redis) {
		// No periodic refresh: B learns through the subscription alone.
		PauseReplica a = replica(redis, Duration.ZERO);
		PauseReplica b = replica(redis, Duration.ZERO);
		awaitSubscribers(redis, 2);
		warmUp(a, b);
		Instant until = inMillis(Duration.ofMinutes(1));
		long start = System.nanoTime();
		a.pause.pauseUntil(until);
		await().atMost(DEADLINE).pollInterval(Duration.ofMillis(1)).until(() -> b.pause.pausedUntil().isPresent());
		Duration delay = Duration.ofNanos(System.nanoTime() - start);
		assertThat(b.pause.pausedUntil()).hasValue(until);
		assertThat(a.pause.pausedUntil()).hasValue(until);
		assertThat(delay).isLessThanOrEqualTo(PROPAGATION);
	}

	@RedisTest
	void storedPauseExpiresWhenThePauseEnds(RedisTarget redis) {
		PauseReplica a = replica(redis, REFRESH);
		Instant until = inMillis(Duration.ofMillis(500));
		a.pause.pauseUntil(until);
		await().atMost(DEADLINE).until(() -> observer(redis).exists(KEY) == 1);
		assertThat(observer(redis).get(KEY)).isEqualTo(Long.toString(until.toEpochMilli()));
		assertThat(observer(redis).pttl(KEY)).isBetween(1L, 500L);
		await().atMost(DEADLINE).until(() -> observer(redis).exists(KEY) == 0);
		assertThat(a.pause.pausedUntil()).isEmpty();
	}

	@RedisTest
	void earlierEndNeverShortensTheStoredPause(RedisTarget redis) {
		PauseReplica a = replica(redis, REFRESH);
		PauseReplica b = replica(redis, REFRESH);
		Instant later = inMillis(Duration.ofMinutes(2));
		a.pause.pauseUntil(later);
		await().atMost(DEADLINE).until(() -> b.pause.pausedUntil().equals(Optional.of(later)));
		b.pause.pauseUntil(inMillis(Duration.ofMinutes(1)));
		await().atMost(DEADLINE).until(() -> observer(redis).pttl(KEY) > 0);
		assertThat(observer(redis).get(KEY)).isEqualTo(Long.toString(later.toEpochMilli()));
		assertThat(a.pause.pausedUntil()).hasValue(later);
		assertThat(b.pause.pausedUntil()).hasValue(later);
	}

	@RedisTest
	void pauseWithoutEndIsSharedForAYear(RedisTarget redis) {
		PauseReplica a = replica(redis, REFRESH);
		PauseReplica b = replica(redis, REFRESH);
		awaitSubscribers(redis, 2);
		a.pause.pauseUntil(Instant.MAX);
		assertThat(a.pause.pausedUntil()).hasValue(Instant.MAX);
		await().atMost(DEADLINE).until(() -> b.pause.pausedUntil().isPresent());
		assertThat(b.pause.pausedUntil().orElseThrow()).isBetween(inMillis(Duration.ofDays(365).minusMinutes(1)),
				inMillis(Duration.ofDays(365)));
	}

	@RedisTest
	void resumeReachesTheOtherReplica(RedisTarget redis) {
		PauseReplica a = replica(redis, REFRESH);
		PauseReplica b = replica(redis, REFRESH);
		awaitSubscribers(redis, 2);
		a.pause.pauseUntil(inMillis(Duration.ofMinutes(1)));
		await().atMost(DEADLINE).until(() -> b.pause.pausedUntil().isPresent());
		b.pause.resume();
		assertThat(b.pause.pausedUntil()).isEmpty();
		await().atMost(DEADLINE).until(() -> a.pause.pausedUntil().isEmpty());
		// A replica that missed the message learns of the resume from the key.
		assertThat(observer(redis).get(KEY)).isEqualTo("resume");
	}

	@RedisTest
	void replicaStartedAfterThePauseLearnsItAtStart(RedisTarget redis) {
		PauseReplica a = replica(redis, REFRESH);
		Instant until = inMillis(Duration.ofMinutes(1));
		a.pause.pauseUntil(until);
		await().atMost(DEADLINE).until(() -> observer(redis).exists(KEY) == 1);
		// No periodic refresh: only the read at registration can teach it.
		PauseReplica late = replica(redis, Duration.ZERO);
		await().atMost(DEADLINE).until(() -> late.pause.pausedUntil().isPresent());
		assertThat(late.pause.pausedUntil()).hasValue(until);
	}

	@RedisTest
	void stalledRedisNeitherDelaysCallersNorLiftsTheLocalPause(RedisTarget redis) {
		PauseReplica a = replica(redis, REFRESH);
		PauseReplica b = replica(redis, REFRESH);
		awaitSubscribers(redis, 2);
		Instant until = inMillis(Duration.ofMinutes(1));
		redis.pause();
		long start = System.nanoTime();
		a.pause.pauseUntil(until);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
		start = System.nanoTime();
		for (int i = 0; i < 1000; i++) {
			if (a.pause.pausedUntil().isEmpty()) {
				throw new AssertionError("The local pause was lifted");
			}
		}
		// Reading the pause asks the local gate, never the stalled Redis.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
		// Through timed-out writes and refreshes, the local pause holds (and B cannot
		// learn it).
		await().during(REFRESH.multipliedBy(3))
			.atMost(DEADLINE)
			.until(() -> a.pause.pausedUntil().equals(Optional.of(until)) && b.pause.pausedUntil().isEmpty());
		redis.resume();
		await().atMost(DEADLINE).until(() -> b.pause.pausedUntil().isPresent());
		assertThat(b.pause.pausedUntil()).hasValue(until);
	}

	@RedisTest
	void subscriptionRecoversAfterRedisRestarted(RedisTarget redis) {
		PauseReplica a = replica(redis, REFRESH);
		PauseReplica b = replica(redis, REFRESH);
		awaitSubscribers(redis, 2);
		redis.kill();
		redis.restart();
		// Each replica opens its subscription again at its next refresh.
		await().atMost(DEADLINE).until(() -> subscribers(redis) == 2 && a.isConnected());
		Instant until = inMillis(Duration.ofMinutes(1));
		long start = System.nanoTime();
		a.pause.pauseUntil(until);
		await().atMost(DEADLINE).pollInterval(Duration.ofMillis(1)).until(() -> b.pause.pausedUntil().isPresent());
		assertThat(b.pause.pausedUntil()).hasValue(until);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThanOrEqualTo(PROPAGATION);
	}

	@RedisTest
	void replicaStartedWhileRedisIsDownJoinsWhenItComesBack(RedisTarget redis) {
		PauseReplica a = replica(redis, REFRESH);
		Instant until = inMillis(Duration.ofMinutes(1));
		a.pause.pauseUntil(until);
		await().atMost(DEADLINE).until(() -> observer(redis).exists(KEY) == 1);
		redis.kill();
		// Starts without Redis: its subscription and reads fail, its startup does not.
		PauseReplica late = replica(redis, REFRESH);
		assertThat(late.pause.pausedUntil()).isEmpty();
		redis.restart();
		// The restarted Redis lost the pause; A stores it again and the late replica
		// learns it.
		await().atMost(DEADLINE).until(() -> late.pause.pausedUntil().isPresent());
		assertThat(late.pause.pausedUntil()).hasValue(until);
		await().atMost(DEADLINE).until(() -> subscribers(redis) == 2);
	}

	@RedisTest
	void pauseLostInARedisRestartIsSharedAgain(RedisTarget redis) {
		PauseReplica a = replica(redis, REFRESH);
		Instant until = inMillis(Duration.ofMinutes(1));
		a.pause.pauseUntil(until);
		await().atMost(DEADLINE).until(() -> observer(redis).exists(KEY) == 1);
		redis.kill();
		redis.restart();
		// The restarted Redis starts empty; replica A still holds the pause and stores it
		// again.
		await().atMost(Duration.ofSeconds(30)).until(() -> observer(redis).exists(KEY) == 1);
		PauseReplica late = replica(redis, Duration.ZERO);
		await().atMost(DEADLINE).until(() -> late.pause.pausedUntil().isPresent());
		assertThat(late.pause.pausedUntil()).hasValue(until);
	}

	private PauseReplica replica(RedisTarget redis, Duration refresh) {
		PauseReplica replica = new PauseReplica(redis, QUOTA, TIMEOUT, refresh, this.clock);
		this.opened.add(replica);
		return replica;
	}

	/**
	 * A first pause and resume under another quota key: Lua compiles its scripts, the JIT
	 * warms up, so that the measured propagation is the steady one.
	 */
	private void warmUp(PauseReplica a, PauseReplica b) {
		RedisHostPause warmA = a.channel.register("warm-up", HostPauseGates.local(this.clock), TIMEOUT);
		RedisHostPause warmB = b.channel.register("warm-up", HostPauseGates.local(this.clock), TIMEOUT);
		warmA.pauseUntil(inMillis(Duration.ofMinutes(1)));
		await().atMost(DEADLINE).until(() -> warmB.pausedUntil().isPresent());
		warmA.resume();
		await().atMost(DEADLINE).until(() -> warmB.pausedUntil().isEmpty());
		warmA.close();
		warmB.close();
	}

	private void awaitSubscribers(RedisTarget redis, int count) {
		await().atMost(DEADLINE).until(() -> subscribers(redis) == count);
	}

	private long subscribers(RedisTarget redis) {
		return observer(redis).pubsubNumsub(PauseReplica.PREFIX + "pause").get(PauseReplica.PREFIX + "pause");
	}

	private Instant inMillis(Duration duration) {
		return Instant.ofEpochMilli(this.clock.millis() + duration.toMillis());
	}

	private RedisCommands<String, String> observer(RedisTarget redis) {
		if (this.observer == null) {
			RedisClient client = RedisClient.create(redis.uri().toString());
			StatefulRedisConnection<String, String> connection = client.connect();
			this.opened.add(0, () -> client.shutdown(Duration.ZERO, Duration.ofSeconds(5)));
			this.observer = connection.sync();
		}
		return this.observer;
	}

}
