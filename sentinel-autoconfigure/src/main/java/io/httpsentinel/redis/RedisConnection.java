package io.httpsentinel.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.github.bucket4j.redis.lettuce.RedisApi;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.httpsentinel.Internal;

/**
 * Sentinel's own connection to Redis, shared by every client whose rate limit is kept
 * there. Its own, not the application's: commands are rejected while it is disconnected
 * (instead of queued and replayed after an outage, which would spend tokens for requests
 * long gone), and the request path never waits behind the application's own commands.
 * Connecting never blocks and never fails the application: until Redis answers, callers
 * see {@link #commands()} empty and apply their failure mode, and the next
 * {@link #commands()} tries again (at most one attempt at a time).
 */
@Internal
public final class RedisConnection implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisConnection.class);

	private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

	private final RedisClient client;

	private final RedisURI uri;

	private final String keyPrefix;

	private final AtomicReference<@Nullable CompletableFuture<StatefulRedisConnection<String, byte[]>>> connection = new AtomicReference<>();

	/**
	 * Create a connection; nothing connects until it is first used.
	 * @param uri where Redis is
	 * @param ssl trust and key material for TLS ({@code rediss://}), or {@code null} for
	 * the JDK's defaults
	 * @param keyPrefix prefix of every key and channel
	 */
	public RedisConnection(RedisURI uri, @Nullable SslOptions ssl, String keyPrefix) {
		this.uri = uri;
		this.keyPrefix = keyPrefix;
		this.client = RedisClient.create();
		ClientOptions.Builder options = ClientOptions.builder();
		if (ssl != null) {
			options.sslOptions(ssl);
		}
		this.client.setOptions(options.autoReconnect(false)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			// Callers bound each command themselves; this only frees Lettuce's queue.
			.timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(10)))
			.build());
	}

	/**
	 * The prefix of every key and channel.
	 * @return the prefix
	 */
	public String keyPrefix() {
		return this.keyPrefix;
	}

	/**
	 * Where Redis is, for health details (without credentials).
	 * @return host and port
	 */
	public String address() {
		return this.uri.getHost() + ":" + this.uri.getPort();
	}

	/**
	 * The commands of the connection when it is open; otherwise starts connecting (when
	 * no attempt is under way) and returns {@code null}.
	 * @return the commands, or {@code null} while not connected
	 */
	public @Nullable RedisAsyncCommands<String, byte[]> commands() {
		CompletableFuture<StatefulRedisConnection<String, byte[]>> current = this.connection.get();
		if (current != null && !current.isDone()) {
			return null;
		}
		StatefulRedisConnection<String, byte[]> open = (current != null && !current.isCompletedExceptionally())
				? current.join() : null;
		if (open != null && open.isOpen()) {
			return open.async();
		}
		// Never connected, the last attempt failed, or the connection closed: try again.
		CompletableFuture<StatefulRedisConnection<String, byte[]>> next = new CompletableFuture<>();
		if (this.connection.compareAndSet(current, next)) {
			if (open != null) {
				open.closeAsync();
			}
			connect(next);
		}
		return null;
	}

	/**
	 * Connect now, waiting at most the given time: at startup, so that the first requests
	 * find the connection open. Redis not answering is logged, not thrown: clients start
	 * on their failure mode and the connection is tried again as they are used.
	 * @param wait longest wait
	 * @return whether the connection is open
	 */
	public boolean connect(Duration wait) {
		commands();
		CompletableFuture<StatefulRedisConnection<String, byte[]>> current = this.connection.get();
		try {
			if (current != null) {
				current.get(wait.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Sentinel could not connect to Redis at " + address() + " within " + wait.toMillis()
					+ "ms; clients sharing their rate limit start on their failure mode (rate-limit.redis.on-failure)");
		}
		return commands() != null;
	}

	private void connect(CompletableFuture<StatefulRedisConnection<String, byte[]>> target) {
		try {
			this.client.connectAsync(CODEC, this.uri).whenComplete((open, error) -> {
				if (error != null) {
					logger.debug("Could not connect to Redis at " + address() + ": " + error.getMessage());
					target.completeExceptionally(error);
				}
				else {
					target.complete(open);
				}
			});
		}
		catch (RuntimeException ex) {
			target.completeExceptionally(ex);
		}
	}

	/**
	 * The connection as Bucket4j's proxy manager asks it. Keys are {@code Object} because
	 * Bucket4j passes them as a generic array, whose runtime type is {@code Object[]}.
	 * @return the API for Bucket4j
	 */
	RedisApi<Object> bucketApi() {
		return new RedisApi<>() {

			@Override
			public <V> RedisFuture<V> eval(String script, ScriptOutputType type, Object[] keys, byte[][] params) {
				return required().eval(script, type, Arrays.copyOf(keys, keys.length, String[].class), params);
			}

			@Override
			public RedisFuture<byte[]> get(Object key) {
				return required().get((String) key);
			}

			@Override
			public RedisFuture<?> delete(Object key) {
				return required().del((String) key);
			}

		};
	}

	private RedisAsyncCommands<String, byte[]> required() {
		RedisAsyncCommands<String, byte[]> commands = commands();
		if (commands == null) {
			throw new RedisUnavailableException("not connected to Redis at " + address());
		}
		return commands;
	}

	/**
	 * The Lettuce client, for connections of another kind (publish/subscribe).
	 * @return the client
	 */
	public RedisClient client() {
		return this.client;
	}

	/**
	 * Where Redis is.
	 * @return the URI
	 */
	public RedisURI uri() {
		return this.uri;
	}

	@Override
	public void close() {
		CompletableFuture<StatefulRedisConnection<String, byte[]>> current = this.connection.getAndSet(null);
		if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
			// At once, so that the client's shutdown below finds it closed (not twice).
			current.join().close();
		}
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
	}

}
