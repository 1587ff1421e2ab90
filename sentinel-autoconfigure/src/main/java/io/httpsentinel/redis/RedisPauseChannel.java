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
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

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
	 * Longest pause shared through Redis; a longer one holds that long on the other
	 * replicas and its whole length on this one.
	 */
	private static final Duration LONGEST_SHARED_PAUSE = Duration.ofDays(365);

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

	private final RedisConnection redis;

	private final String keyPrefix;

	private final String channel;

	private final Clock clock;

	private final Map<String, List<RedisHostPause>> views = new ConcurrentHashMap<>();

	private final RedisOutage outage;

	private final RedisSubscription subscription;

	private final @Nullable Disposable refreshes;

	private volatile boolean closed;

	/**
	 * Open the subscription (asynchronously: Redis down at startup delays it to a later
	 * refresh, it never fails the caller).
	 * @param redis Sentinel's connection: its commands, and its client for the
	 * subscription connection this channel opens and closes
	 * @param refreshInterval how often every view reads its stored pause again, against
	 * messages lost without a reconnection; zero for never (then a subscription that
	 * could not be opened is not tried again either)
	 * @param clock the clock pauses are measured against
	 * @param scheduler where the refreshes run
	 */
	public RedisPauseChannel(RedisConnection redis, Duration refreshInterval, Clock clock, Scheduler scheduler) {
		this.redis = redis;
		this.keyPrefix = redis.keyPrefix();
		this.channel = this.keyPrefix + "pause";
		this.clock = clock;
		this.outage = new RedisOutage("Redis at " + redis.address(), "the shared host pause",
				"host pauses stay local to this replica until it answers");
		this.subscription = new RedisSubscription(redis, this.channel, this::dispatch, this::refreshAll, this::failed);
		this.subscription.open();
		this.refreshes = (refreshInterval.isZero() || refreshInterval.isNegative()) ? null
				: scheduler.schedulePeriodically(this::refreshAll, refreshInterval.toNanos(), refreshInterval.toNanos(),
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
	 * Stop listening and close the subscription connection; the commands connection stays
	 * open (its owner closes it).
	 */
	@Override
	public void close() {
		this.closed = true;
		if (this.refreshes != null) {
			this.refreshes.dispose();
		}
		this.views.clear();
		this.subscription.close();
	}

	void unregister(RedisHostPause view) {
		this.views.computeIfPresent(view.quotaKey(), (key, list) -> {
			list.remove(view);
			return list.isEmpty() ? null : list;
		});
	}

	void store(RedisHostPause view, Instant until) {
		long now = this.clock.millis();
		// An operator's "forever" (Instant.MAX) fits neither epoch millis nor a Redis
		// TTL.
		long end = until.isAfter(Instant.ofEpochMilli(now).plus(LONGEST_SHARED_PAUSE))
				? now + LONGEST_SHARED_PAUSE.toMillis() : until.toEpochMilli();
		long ttl = end - now;
		if (ttl <= 0) {
			return;
		}
		String[] keys = { view.key() };
		bounded((commands) -> commands.<Long>eval(PAUSE_SCRIPT, ScriptOutputType.INTEGER, keys,
				ascii(Long.toString(end)), ascii(Long.toString(ttl)), ascii(this.channel),
				ascii(view.quotaKey() + " " + end)), view.timeout());
	}

	void remove(RedisHostPause view) {
		String[] keys = { view.key() };
		bounded((commands) -> commands.<Long>eval(RESUME_SCRIPT, ScriptOutputType.INTEGER, keys,
				ascii(Long.toString(this.clock.millis())), ascii(this.channel), ascii(view.quotaKey() + " " + RESUMED)),
				view.timeout())
			.thenRun(view::removed);
	}

	void read(RedisHostPause view) {
		bounded((commands) -> commands.get(view.key()), view.timeout()).thenAccept((value) -> {
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
		this.subscription.open();
		this.views.values().forEach((list) -> list.forEach(RedisHostPause::refresh));
	}

	/**
	 * Send a command when connected and bound it by the timeout: a command Lettuce still
	 * holds back is dropped when the timeout completes it; a failure is recorded once per
	 * outage and the returned stage completes only on success.
	 */
	private <T> CompletableFuture<T> bounded(Function<RedisAsyncCommands<String, byte[]>, RedisFuture<T>> command,
			Duration timeout) {
		CompletableFuture<T> result;
		try {
			RedisAsyncCommands<String, byte[]> commands = this.redis.commands();
			if (commands == null) {
				throw new RedisUnavailableException("not connected");
			}
			result = command.apply(commands).toCompletableFuture().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RuntimeException ex) {
			result = CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<T> succeeded = new CompletableFuture<>();
		result.whenComplete((value, failure) -> {
			if (failure != null) {
				failed(failure);
			}
			else {
				this.outage.answered();
				succeeded.complete(value);
			}
		});
		return succeeded;
	}

	private void failed(Throwable failure) {
		if (!this.closed) {
			this.outage.failed(failure);
		}
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

}
