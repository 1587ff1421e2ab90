package io.httpsentinel.testsupport;

import java.time.Duration;
import java.util.Optional;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Redis test support works for real: each kind of Redis answers a client, and its
 * faults (stalled, killed, restarted) are what the tests of Redis failures rely on.
 */
class RedisServerTests {

	/**
	 * How long a command (and, through the URI, the connection's handshake) may take:
	 * long enough for a busy machine, short enough for the paused server's timeouts.
	 */
	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private RedisClient client;

	@AfterEach
	void shutDownClient() {
		if (this.client != null) {
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
		}
	}

	@RedisTest
	void answersPingAndLettuceCommandsOnItsUri(RedisTarget redis) {
		assertThat(redis.ping(TIMEOUT)).isTrue();
		try (StatefulRedisConnection<String, String> connection = connect(redis)) {
			connection.sync().set("greeting", "hello");
			assertThat(connection.sync().get("greeting")).isEqualTo("hello");
			redis.flushAll();
			assertThat(connection.sync().get("greeting")).isNull();
		}
	}

	@RedisTest
	void pausedRedisLetsCommandsTimeOutAndResumedRedisAnswersAgain(RedisTarget redis) {
		try (StatefulRedisConnection<String, String> connection = connect(redis)) {
			redis.pause();
			assertThat(redis.ping(TIMEOUT)).isFalse();
			assertThatExceptionOfType(RedisCommandTimeoutException.class).isThrownBy(() -> connection.sync().ping());
			redis.resume();
			assertThat(connection.sync().ping()).isEqualTo("PONG");
			assertThat(redis.ping(TIMEOUT)).isTrue();
		}
	}

	@RedisTest
	void killedRedisRefusesConnectionsUntilRestartedOnTheSamePort(RedisTarget redis) {
		int port = redis.port();
		redis.kill();
		assertThat(redis.ping(TIMEOUT)).isFalse();
		assertThatExceptionOfType(RedisConnectionException.class).isThrownBy(() -> connect(redis));
		redis.restart();
		assertThat(redis.port()).isEqualTo(port);
		try (StatefulRedisConnection<String, String> connection = connect(redis)) {
			assertThat(connection.sync().ping()).isEqualTo("PONG");
		}
	}

	@Test
	void killedProcessIsGoneAndRestartStartsAnotherOne() {
		try (RedisServer redis = RedisServer.start()) {
			long killed = redis.pid();
			redis.kill();
			assertThat(isRunning(killed)).isFalse();
			redis.restart();
			assertThat(redis.pid()).isNotEqualTo(killed);
			assertThat(isRunning(redis.pid())).isTrue();
		}
	}

	@Test
	void stopLeavesNoProcessEvenWhenPaused() {
		RedisServer redis = RedisServer.start();
		long pid = redis.pid();
		redis.pause();
		redis.stop();
		assertThat(isRunning(pid)).isFalse();
		assertThat(redis.ping(TIMEOUT)).isFalse();
	}

	private StatefulRedisConnection<String, String> connect(RedisTarget redis) {
		if (this.client == null) {
			// The URI's timeout: RedisClient.setDefaultTimeout is gone in Lettuce 7 (Boot
			// 4.1).
			this.client = RedisClient
				.create(RedisURI.builder(RedisURI.create(redis.uri().toString())).withTimeout(TIMEOUT).build());
		}
		return this.client.connect();
	}

	private static boolean isRunning(long pid) {
		Optional<ProcessHandle> process = ProcessHandle.of(pid);
		return process.isPresent() && process.get().isAlive();
	}

}
