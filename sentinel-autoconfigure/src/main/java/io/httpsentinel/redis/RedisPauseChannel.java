package io.httpsentinel.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;

import io.httpsentinel.Internal;
import io.httpsentinel.resilience.HostPauseView;

/**
 * The one Redis subscription of an application for shared host pauses: it stores each
 * pause under {@code <prefix>pause:<quota key>} with the pause's end as TTL, publishes it
 * on {@code <prefix>pause}, and hands what other replicas publish to the clients' views
 * ({@link RedisHostPause}) of the same quota key. Pub/sub loses what is published while a
 * replica does not listen, so the views read the stored pause again at registration,
 * whenever the subscription comes back, and every refresh interval. Every Redis call is
 * asynchronous and bounded by the view's timeout; a failure is logged once per outage and
 * never reaches a caller.
 */
@Internal
public final class RedisPauseChannel implements AutoCloseable {

	private static final String RESUMED = "resume";

	/**
	 * Store the pause's end only when it extends the stored one, expiring when the pause
	 * ends, and tell the other replicas. KEYS: the pause key; ARGV: end (epoch millis),
	 * TTL (millis), channel, message.
	 */
	private static final String PAUSE_SCRIPT = """
			local stored = redis.call('GET', KEYS[1])
			local ending = stored and tonumber(stored)
			if ending and ending >= tonumber(ARGV[1]) then
				return 0
			end
			redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
			redis.call('PUBLISH', ARGV[3], ARGV[4])
			return 1
			""";

	/**
	 * Lift the stored pause, leaving a marker until it would have ended, so that a
	 * replica that missed the message learns of the resume when it reads the key. KEYS:
	 * the pause key; ARGV: now (epoch millis), channel, message.
	 */
	private static final String RESUME_SCRIPT = """
			local stored = redis.call('GET', KEYS[1])
			local ending = stored and tonumber(stored)
			if ending and ending > tonumber(ARGV[1]) then
				redis.call('SET', KEYS[1], 'resume', 'PX', string.format('%d', ending - tonumber(ARGV[1])))
			end
			redis.call('PUBLISH', ARGV[2], ARGV[3])
			return 1
			""";

	private final StatefulRedisConnection<String, byte[]> commands;

	private final StatefulRedisPubSubConnection<String, String> subscription;

	private final String keyPrefix;

	private final String channel;

	private final Clock clock;

	private final Map<String, List<RedisHostPause>> views = new ConcurrentHashMap<>();

	private final Subscriber subscriber = new Subscriber();

	private final RedisOutage outage = new RedisOutage("the shared host pause",
			"host pauses stay local to this replica until it answers");

	private final @Nullable ScheduledFuture<?> refreshes;

	private volatile boolean closed;

	/**
	 * Subscribe to the pause channel.
	 * @param commands connection for the commands (shared with other Redis users)
	 * @param subscription connection for the subscription, used by this channel alone
	 * @param keyPrefix prefix of every key and channel
	 * ({@code sentinel.redis.key-prefix})
	 * @param refreshInterval how often every view reads its stored pause again, against
	 * messages lost without a reconnection; zero for never
	 * @param clock the clock pauses are measured against
	 */
	public RedisPauseChannel(StatefulRedisConnection<String, byte[]> commands,
			StatefulRedisPubSubConnection<String, String> subscription, String keyPrefix, Duration refreshInterval,
			Clock clock) {
		this.commands = commands;
		this.subscription = subscription;
		this.keyPrefix = keyPrefix;
		this.channel = keyPrefix + "pause";
		this.clock = clock;
		subscription.addListener(this.subscriber);
		subscription.async().subscribe(this.channel).whenComplete((count, failure) -> {
			if (failure != null) {
				this.outage.failed(failure);
			}
		});
		this.refreshes = (refreshInterval.isZero() || refreshInterval.isNegative()) ? null
				: commands.getResources()
					.eventExecutorGroup()
					.scheduleWithFixedDelay(this::refreshAll, refreshInterval.toNanos(), refreshInterval.toNanos(),
							TimeUnit.NANOSECONDS);
	}

	/**
	 * Share a client's host pause: the view decorates the client's own gate and learns at
	 * once of a pause another replica stored.
	 * @param quotaKey name of the quota in Redis ({@code rate-limit.redis.key})
	 * @param local the client's own gate
	 * @param timeout bound of each Redis call ({@code rate-limit.redis.timeout})
	 * @return the shared view, to close when the client closes
	 */
	public RedisHostPause register(String quotaKey, HostPauseView local, Duration timeout) {
		RedisHostPause view = new RedisHostPause(quotaKey, this.keyPrefix + "pause:" + quotaKey, local, timeout, this);
		this.views.computeIfAbsent(quotaKey, (key) -> new CopyOnWriteArrayList<>()).add(view);
		view.refresh();
		return view;
	}

	/**
	 * Stop listening; the connections stay open (their owner closes them).
	 */
	@Override
	public void close() {
		if (this.refreshes != null) {
			this.refreshes.cancel(false);
		}
		this.subscription.removeListener(this.subscriber);
		this.views.clear();
		this.closed = true;
		try {
			// Not awaited: the owner may close the connection right after, failing it
			// harmlessly.
			this.subscription.async().unsubscribe(this.channel);
		}
		catch (RuntimeException ex) {
			// Already closed: nothing to unsubscribe from.
		}
	}

	void unregister(RedisHostPause view) {
		this.views.computeIfPresent(view.quotaKey(), (key, list) -> {
			list.remove(view);
			return list.isEmpty() ? null : list;
		});
	}

	void store(RedisHostPause view, Instant until) {
		long end = until.toEpochMilli();
		long ttl = end - this.clock.millis();
		if (ttl <= 0) {
			return;
		}
		String[] keys = { view.key() };
		bounded(() -> this.commands.async()
			.<Long>eval(PAUSE_SCRIPT, ScriptOutputType.INTEGER, keys, ascii(Long.toString(end)),
					ascii(Long.toString(ttl)), ascii(this.channel), ascii(view.quotaKey() + " " + end)),
				view.timeout());
	}

	void remove(RedisHostPause view) {
		String[] keys = { view.key() };
		bounded(() -> this.commands.async()
			.<Long>eval(RESUME_SCRIPT, ScriptOutputType.INTEGER, keys, ascii(Long.toString(this.clock.millis())),
					ascii(this.channel), ascii(view.quotaKey() + " " + RESUMED)),
				view.timeout())
			.thenRun(view::removed);
	}

	void read(RedisHostPause view) {
		bounded(() -> this.commands.async().get(view.key()), view.timeout()).thenAccept((value) -> {
			String stored = (value != null) ? new String(value, StandardCharsets.US_ASCII) : null;
			if (RESUMED.equals(stored)) {
				view.read(null, true);
			}
			else {
				view.read(endOf(stored), false);
			}
		});
	}

	private void refreshAll() {
		this.views.values().forEach((list) -> list.forEach(RedisHostPause::refresh));
	}

	/**
	 * Send a command and bound it by the timeout: a command Lettuce still holds back
	 * (disconnected) is dropped when the timeout completes it; a failure is recorded once
	 * per outage and the returned stage completes only on success.
	 */
	private <T> CompletableFuture<T> bounded(Supplier<RedisFuture<T>> command, Duration timeout) {
		CompletableFuture<T> result;
		try {
			result = command.get().toCompletableFuture().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RuntimeException ex) {
			result = CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<T> succeeded = new CompletableFuture<>();
		result.whenComplete((value, failure) -> {
			if (failure != null) {
				if (!this.closed) {
					this.outage.failed(failure);
				}
			}
			else {
				this.outage.answered();
				succeeded.complete(value);
			}
		});
		return succeeded;
	}

	private @Nullable Instant endOf(@Nullable String stored) {
		if (stored == null) {
			return null;
		}
		try {
			Instant end = Instant.ofEpochMilli(Long.parseLong(stored));
			return end.isAfter(this.clock.instant()) ? end : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private void dispatch(String message) {
		int space = message.lastIndexOf(' ');
		List<RedisHostPause> targets = (space > 0) ? this.views.get(message.substring(0, space)) : null;
		if (targets == null) {
			return;
		}
		String state = message.substring(space + 1);
		if (RESUMED.equals(state)) {
			targets.forEach(RedisHostPause::peerResumed);
			return;
		}
		try {
			Instant until = Instant.ofEpochMilli(Long.parseLong(state));
			targets.forEach((view) -> view.peerPaused(until));
		}
		catch (NumberFormatException ex) {
			// Not a message of ours: ignore it.
		}
	}

	private static byte[] ascii(String value) {
		return value.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Applies messages of the pause channel, and reads the stored pauses again whenever
	 * the subscription is (re)established: messages published meanwhile are lost.
	 */
	private final class Subscriber extends RedisPubSubAdapter<String, String> {

		@Override
		public void message(String channel, String message) {
			if (RedisPauseChannel.this.channel.equals(channel)) {
				dispatch(message);
			}
		}

		@Override
		public void subscribed(String channel, long count) {
			if (RedisPauseChannel.this.channel.equals(channel)) {
				refreshAll();
			}
		}

	}

}
