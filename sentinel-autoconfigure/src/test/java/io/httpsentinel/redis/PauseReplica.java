package io.httpsentinel.redis;

import java.time.Clock;
import java.time.Duration;

import io.lettuce.core.RedisURI;
import reactor.core.scheduler.Schedulers;

import io.httpsentinel.resilience.HostPauseGates;
import io.httpsentinel.testsupport.RedisTarget;

/**
 * One replica of an application as the shared host pause sees it: its own Sentinel Redis
 * connection, its own pause channel, and one client's local gate shared under a quota
 * key.
 */
final class PauseReplica implements AutoCloseable {

	static final String PREFIX = "sentinel:";

	final RedisConnection connection;

	final RedisPauseChannel channel;

	final RedisHostPause pause;

	PauseReplica(RedisTarget redis, String quotaKey, Duration timeout, Duration refreshInterval, Clock clock) {
		this.connection = new RedisConnection(RedisURI.create(redis.uri()), null, PREFIX);
		this.connection.connect(Duration.ofSeconds(5));
		this.channel = new RedisPauseChannel(this.connection, refreshInterval, clock, Schedulers.parallel());
		this.pause = this.channel.register(quotaKey, HostPauseGates.local(clock), timeout);
	}

	/**
	 * Whether the commands connection is open (Lettuce reconnected it after an outage).
	 */
	boolean isConnected() {
		return this.connection.commands() != null;
	}

	@Override
	public void close() {
		this.pause.close();
		this.channel.close();
		this.connection.close();
	}

}
