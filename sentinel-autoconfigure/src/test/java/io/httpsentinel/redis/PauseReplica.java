package io.httpsentinel.redis;

import java.time.Clock;
import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import io.httpsentinel.resilience.HostPauseGates;
import io.httpsentinel.testsupport.RedisTarget;

/**
 * One replica of an application as the shared host pause sees it: its own Lettuce client
 * and connections, its own pause channel, and one client's local gate shared under a
 * quota key.
 */
final class PauseReplica implements AutoCloseable {

	static final String PREFIX = "sentinel:";

	private final RedisClient client;

	final StatefulRedisConnection<String, byte[]> commands;

	final StatefulRedisPubSubConnection<String, String> subscription;

	final RedisPauseChannel channel;

	final RedisHostPause pause;

	PauseReplica(RedisTarget redis, String quotaKey, Duration timeout, Duration refreshInterval, Clock clock) {
		this.client = RedisClient.create(redis.uri().toString());
		this.commands = this.client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
		this.subscription = this.client.connectPubSub();
		this.channel = new RedisPauseChannel(this.commands, this.subscription, PREFIX, refreshInterval, clock);
		this.pause = this.channel.register(quotaKey, HostPauseGates.local(clock), timeout);
	}

	@Override
	public void close() {
		this.pause.close();
		this.channel.close();
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
	}

}
