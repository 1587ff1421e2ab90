package io.httpsentinel.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;

/**
 * A subscription to one Redis channel on a connection of its own, opened without
 * blocking; {@link #open()}, called periodically, opens it again after a failed attempt
 * or a lost connection (Sentinel's Lettuce client does not reconnect by itself). It hands
 * each message to a consumer and tells when the subscription is (re)established, since
 * messages published meanwhile are lost.
 */
final class RedisSubscription implements AutoCloseable {

	private final RedisConnection redis;

	private final String channel;

	private final Listener listener;

	private final Consumer<Throwable> onFailure;

	private final AtomicReference<@Nullable CompletableFuture<StatefulRedisPubSubConnection<String, String>>> connection = new AtomicReference<>();

	private volatile boolean closed;

	/**
	 * Create a subscription; nothing connects until {@link #open()}.
	 * @param redis whose client and address the subscription connection uses
	 * @param channel the channel
	 * @param onMessage receives each message of the channel
	 * @param onSubscribed runs whenever the subscription is established, again after an
	 * outage
	 * @param onFailure receives a failure to connect or subscribe
	 */
	RedisSubscription(RedisConnection redis, String channel, Consumer<String> onMessage, Runnable onSubscribed,
			Consumer<Throwable> onFailure) {
		this.redis = redis;
		this.channel = channel;
		this.listener = new Listener(channel, onMessage, onSubscribed);
		this.onFailure = onFailure;
	}

	/**
	 * Open the subscription unless it is open or being opened.
	 */
	void open() {
		CompletableFuture<StatefulRedisPubSubConnection<String, String>> current = this.connection.get();
		if (this.closed || (current != null && !current.isDone())) {
			return;
		}
		StatefulRedisPubSubConnection<String, String> previous = (current != null
				&& !current.isCompletedExceptionally()) ? current.join() : null;
		if (previous != null && previous.isOpen()) {
			return;
		}
		// Never opened, the last attempt failed, or the connection closed (Sentinel's
		// client
		// does not reconnect by itself): open a new one.
		CompletableFuture<StatefulRedisPubSubConnection<String, String>> next = new CompletableFuture<>();
		if (!this.connection.compareAndSet(current, next)) {
			return;
		}
		if (previous != null) {
			previous.closeAsync();
		}
		try {
			this.redis.client().connectPubSubAsync(StringCodec.UTF8, this.redis.uri()).thenCompose((opened) -> {
				opened.addListener(this.listener);
				return opened.async().subscribe(this.channel).thenApply((ignored) -> opened);
			}).whenComplete((opened, failure) -> {
				if (failure != null) {
					this.onFailure.accept(failure);
					next.completeExceptionally(failure);
				}
				else {
					next.complete(opened);
					if (this.closed) {
						// Closed while opening: close() found nothing to close yet.
						opened.closeAsync();
					}
				}
			});
		}
		catch (RuntimeException ex) {
			this.onFailure.accept(ex);
			next.completeExceptionally(ex);
		}
	}

	/**
	 * Close the subscription connection (without waiting).
	 */
	@Override
	public void close() {
		this.closed = true;
		CompletableFuture<StatefulRedisPubSubConnection<String, String>> current = this.connection.getAndSet(null);
		if (current != null) {
			current.thenAccept(StatefulRedisPubSubConnection::close);
		}
	}

	private static final class Listener extends RedisPubSubAdapter<String, String> {

		private final String channel;

		private final Consumer<String> onMessage;

		private final Runnable onSubscribed;

		Listener(String channel, Consumer<String> onMessage, Runnable onSubscribed) {
			this.channel = channel;
			this.onMessage = onMessage;
			this.onSubscribed = onSubscribed;
		}

		@Override
		public void message(String channel, String message) {
			if (this.channel.equals(channel)) {
				this.onMessage.accept(message);
			}
		}

		@Override
		public void subscribed(String channel, long count) {
			if (this.channel.equals(channel)) {
				this.onSubscribed.run();
			}
		}

	}

}
