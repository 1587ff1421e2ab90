package io.httpsentinel.testsupport;

import java.net.URI;
import java.time.Duration;

/**
 * A Redis that a test talks to, whatever started it: a {@code redis-server} process
 * ({@link RedisServer}) or a Testcontainers container ({@link RedisContainer}). Tests
 * written against it run on both through {@link RedisTest}. Fault operations a target
 * cannot perform skip the test (a JUnit assumption) rather than fail it.
 */
public interface RedisTarget extends AutoCloseable {

	/**
	 * How long {@link #restart()} waits for the restarted Redis to answer {@code PING}.
	 */
	Duration START_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * A short name for test reports ({@code redis-server}, {@code testcontainers}).
	 * @return the name
	 */
	String name();

	String host();

	int port();

	/**
	 * The URI a Lettuce client connects to.
	 * @return {@code redis://host:port}
	 */
	default URI uri() {
		return URI.create("redis://" + host() + ":" + port());
	}

	/**
	 * Whether Redis answers {@code PING} within the timeout.
	 * @param timeout the bound of the connection and the answer
	 * @return whether it answered {@code +PONG}
	 */
	default boolean ping(Duration timeout) {
		return RespProbe.ping(host(), port(), timeout);
	}

	/**
	 * Delete every key of every database.
	 */
	default void flushAll() {
		RespProbe.command(host(), port(), Duration.ofSeconds(5), "FLUSHALL");
	}

	/**
	 * Kill Redis at once ({@code SIGKILL}): "Redis killed mid-run". Connections are
	 * reset; {@link #restart()} starts it again.
	 */
	void kill();

	/**
	 * Freeze Redis ({@code SIGSTOP}): "Redis stalled". Connections stay open and commands
	 * get no answer until {@link #resume()}.
	 */
	void pause();

	/**
	 * Let a paused Redis run again ({@code SIGCONT}).
	 */
	void resume();

	/**
	 * Start Redis again on the same host and port after {@link #kill()} (or stop it first
	 * when it runs), and wait until it answers {@code PING}. The data is gone: nothing is
	 * persisted.
	 */
	void restart();

	/**
	 * Stop Redis and free what it holds; does nothing when already stopped.
	 */
	@Override
	void close();

}
