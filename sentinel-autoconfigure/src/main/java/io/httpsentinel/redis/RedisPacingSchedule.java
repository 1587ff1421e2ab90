package io.httpsentinel.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import io.httpsentinel.resilience.PacingSchedule;
import io.httpsentinel.resilience.RateLimiter;

/**
 * The pacing schedule of a client shared by its replicas through Redis: every replica
 * reads the same remaining quota in the provider's headers, so each spreading it on its
 * own schedule would spend it N times as fast. One atomic script (GCRA, on Redis's own
 * clock, {@code TIME}, so that the replicas' clocks do not matter) keeps the time the
 * next slot is free under {@code <prefix>pace:<quota key>}, with a TTL that lets the key
 * go once the slot passed. Every call is bounded by a timeout; when Redis fails or does
 * not answer in time, that reservation is made on this replica's own schedule instead
 * (pacing is advisory), and the change is logged once, as is the recovery.
 */
final class RedisPacingSchedule implements PacingSchedule {

	private static final Log logger = LogFactory.getLog(RedisPacingSchedule.class);

	/**
	 * KEYS[1]: the key; ARGV: time until the reset, requests left, longest wait, pace,
	 * all in microseconds but the count. Returns the wait in microseconds, or -1.
	 */
	static final String SCRIPT = """
			local time = redis.call('TIME')
			local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
			local reset = now + tonumber(ARGV[1])
			local remaining = tonumber(ARGV[2])
			local next = tonumber(redis.call('GET', KEYS[1]) or '0')
			local slot
			if remaining > 0 then slot = math.max(now, next) else slot = math.max(reset, next) end
			local wait = slot - now
			if wait > tonumber(ARGV[3]) then return -1 end
			local after
			if remaining <= 0 or slot >= reset then after = slot + tonumber(ARGV[4])
			else after = slot + math.floor((reset - slot) / remaining) end
			redis.call('SET', KEYS[1], string.format('%d', after), 'PX', math.floor((after - now) / 1000) + 1000)
			return math.floor(wait)
			""";

	private final Supplier<@Nullable RedisAsyncCommands<String, byte[]>> commands;

	private final String[] keys;

	private final Duration timeout;

	private final Scheduler scheduler;

	private final PacingSchedule fallback;

	private final AtomicBoolean fallingBack = new AtomicBoolean();

	private volatile @Nullable String digest;

	/**
	 * Create a schedule.
	 * @param commands the commands of Sentinel's Redis connection, {@code null} while it
	 * is not connected
	 * @param key the full key ({@link #key})
	 * @param timeout the bound of every call
	 * @param scheduler where the timeout runs
	 * @param fallback this replica's own schedule, used when Redis fails
	 */
	RedisPacingSchedule(Supplier<@Nullable RedisAsyncCommands<String, byte[]>> commands, String key, Duration timeout,
			Scheduler scheduler, PacingSchedule fallback) {
		this.commands = commands;
		this.keys = new String[] { key };
		this.timeout = timeout;
		this.scheduler = scheduler;
		this.fallback = fallback;
	}

	/**
	 * The key of a quota's schedule.
	 * @param prefix the prefix of every Sentinel key
	 * @param quotaKey the quota's name ({@code rate-limit.redis.key}, or the client's)
	 * @return the key
	 */
	static String key(String prefix, String quotaKey) {
		return prefix + "pace:" + quotaKey;
	}

	@Override
	public boolean isShared() {
		return true;
	}

	@Override
	public boolean isAsync() {
		return true;
	}

	@Override
	public long reserve(long untilResetNanos, long remaining, long paceNanos, long maxWaitNanos) {
		// Only asked when isAsync() is false; answer from this replica's schedule.
		return this.fallback.reserve(untilResetNanos, remaining, paceNanos, maxWaitNanos);
	}

	@Override
	public Mono<Long> reserveAsync(long untilResetNanos, long remaining, long paceNanos, long maxWaitNanos) {
		RedisAsyncCommands<String, byte[]> redis = this.commands.get();
		if (redis == null) {
			return Mono.fromSupplier(() -> fallBack(null, untilResetNanos, remaining, paceNanos, maxWaitNanos));
		}
		byte[][] arguments = { number((untilResetNanos + 999) / 1000), number(remaining), number(maxWaitNanos / 1000),
				number((paceNanos + 999) / 1000) };
		return Mono.defer(() -> Mono.fromCompletionStage(evaluate(redis, arguments)))
			.timeout(this.timeout, this.scheduler)
			.map(this::recovered)
			.onErrorResume(
					(ex) -> Mono.fromSupplier(() -> fallBack(ex, untilResetNanos, remaining, paceNanos, maxWaitNanos)));
	}

	private CompletionStage<Long> evaluate(RedisAsyncCommands<String, byte[]> redis, byte[][] arguments) {
		String sha = this.digest;
		if (sha == null) {
			sha = redis.digest(SCRIPT);
			this.digest = sha;
		}
		return redis.<Long>evalsha(sha, ScriptOutputType.INTEGER, this.keys, arguments)
			.exceptionallyCompose(
					(ex) -> (ex instanceof RedisNoScriptException || ex.getCause() instanceof RedisNoScriptException)
							? redis.<Long>eval(SCRIPT, ScriptOutputType.INTEGER, this.keys, arguments)
							: CompletableFuture.failedStage(ex));
	}

	private long recovered(Long waitMicros) {
		if (this.fallingBack.compareAndSet(true, false)) {
			logger.info("Redis answers again: adaptive pacing of " + this.keys[0] + " is shared by the replicas again");
		}
		return (waitMicros < 0) ? RateLimiter.REFUSED : waitMicros * 1000;
	}

	private long fallBack(@Nullable Throwable error, long untilResetNanos, long remaining, long paceNanos,
			long maxWaitNanos) {
		if (this.fallingBack.compareAndSet(false, true)) {
			logger.warn("Redis " + ((error != null) ? "failed (" + error + ")" : "is not connected")
					+ ": adaptive pacing of " + this.keys[0]
					+ " falls back to this replica's own schedule until Redis answers");
		}
		return this.fallback.reserve(untilResetNanos, remaining, paceNanos, maxWaitNanos);
	}

	/**
	 * Whether the last reservation fell back to this replica's schedule.
	 * @return {@code true} while Redis fails
	 */
	boolean isFallingBack() {
		return this.fallingBack.get();
	}

	private static byte[] number(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

}
