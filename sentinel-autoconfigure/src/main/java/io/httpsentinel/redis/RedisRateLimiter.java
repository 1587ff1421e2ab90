package io.httpsentinel.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.Range;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import io.httpsentinel.SettingText;
import io.httpsentinel.resilience.RateLimitSettings;
import io.httpsentinel.resilience.RateLimiter;
import io.httpsentinel.resilience.RedisFailureMode;
import io.httpsentinel.resilience.ResilienceSupport;
import io.httpsentinel.resilience.SharedRateLimitUnavailableException;
import io.httpsentinel.resilience.SharedRateLimitView;

/**
 * A client's rate limit shared by every replica: one Bucket4j token bucket in Redis,
 * reserved atomically by each attempt, the configured limit holding for all replicas
 * together.
 * <p>
 * Redis failing is not the client failing. Each reservation waits for Redis at most
 * {@code rate-limit.redis.timeout}; a late answer decides that request by
 * {@code rate-limit.redis.on-failure}. When Redis errs, cannot be reached, or answers
 * late {@value #LATE_ANSWERS_TO_FALL_BACK} times in a row, the limiter falls back (logged
 * once) and every request is decided by the failure mode without asking Redis, until a
 * heartbeat finds it answering again (logged once). The heartbeat, every second, also
 * counts the replicas sharing the quota, for the local fallback's share. A reservation
 * that timed out may still reach Redis later and spend a token there: the shared limit
 * then errs on the side of fewer requests, never more.
 */
final class RedisRateLimiter implements RateLimiter, SharedRateLimitView, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisRateLimiter.class);

	static final Duration HEARTBEAT = Duration.ofSeconds(1);

	/**
	 * Late answers in a row that start a fallback. One late answer is a hiccup (a
	 * collection, a busy host): that request alone is decided without Redis. A Redis that
	 * cannot be reached at all (no connection, an error) starts the fallback at once.
	 */
	static final int LATE_ANSWERS_TO_FALL_BACK = 3;

	/** Replicas not heard of for this long no longer count. */
	private static final Duration REPLICA_EXPIRY = Duration.ofSeconds(5);

	private static final String REPLICA_ID = UUID.randomUUID().toString();

	private final String clientName;

	private final String key;

	private final RedisConnection redis;

	private final AsyncBucketProxy bucket;

	private final RateLimitSettings settings;

	private final RedisFailureMode onFailure;

	private final Duration timeout;

	private final @Nullable Integer configuredReplicas;

	private final String replicasKey;

	private final Clock clock;

	private final Scheduler scheduler;

	private final Disposable heartbeat;

	private volatile int replicas;

	private volatile RateLimiter localShare;

	/** Epoch millis of the start of the current fallback, 0 while Redis answers. */
	private final AtomicLong fallingBackSince = new AtomicLong();

	private final AtomicLong fallbacks = new AtomicLong();

	private final AtomicInteger lateAnswersInARow = new AtomicInteger();

	private final LongAdder fallbackRequests = new LongAdder();

	private volatile long availablePermits = -1;

	/** The wait the last refused request would have had, for its exception. */
	private volatile long refusedWaitNanos;

	RedisRateLimiter(String clientName, RateLimitSettings settings, RedisConnection redis, Clock clock,
			Scheduler scheduler) {
		this.clientName = clientName;
		this.settings = settings;
		this.redis = redis;
		this.clock = clock;
		this.scheduler = scheduler;
		this.key = (settings.redis().key() != null) ? settings.redis().key() : clientName;
		this.onFailure = (settings.redis().onFailure() != null) ? settings.redis().onFailure() : RedisFailureMode.LOCAL;
		this.timeout = settings.redis().timeout();
		this.configuredReplicas = settings.redis().replicas();
		this.replicas = (this.configuredReplicas != null) ? this.configuredReplicas : 1;
		this.localShare = ResilienceSupport.localRateLimiter(settings, this.replicas);
		this.replicasKey = redis.keyPrefix() + "replicas:" + this.key;
		this.bucket = new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(redis.bucketApi())
			.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(HEARTBEAT))
			.build()
			.asAsync()
			.builder()
			.build((Object) (redis.keyPrefix() + "rate-limit:" + this.key),
					() -> CompletableFuture.completedFuture(BucketConfiguration.builder()
						.addLimit((limit) -> limit.capacity(settings.effectiveBurst())
							.refillGreedy(settings.permitsPerPeriod(), settings.period()))
						.build()));
		this.heartbeat = scheduler.schedulePeriodically(this::heartbeat, 0, HEARTBEAT.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	@Override
	public long reserve(long maxWaitNanos) {
		throw new IllegalStateException("A shared rate limit is reserved asynchronously");
	}

	@Override
	public boolean isAsync() {
		return true;
	}

	@Override
	public Mono<Long> reserveAsync(long maxWaitNanos) {
		if (this.fallingBackSince.get() != 0 || this.redis.commands() == null) {
			// The heartbeat finds out when Redis answers again: no request waits for it.
			fallBack("not connected", null);
			return Mono.fromSupplier(() -> decideWithoutRedis(maxWaitNanos));
		}
		return Mono.fromFuture(() -> reserveInRedis(maxWaitNanos), true)
			.timeout(this.timeout, this.scheduler)
			.doOnNext((wait) -> this.lateAnswersInARow.set(0))
			.flatMap((wait) -> (wait != REFUSED) ? Mono.just(wait) : refused())
			.onErrorResume((error) -> {
				if (!(error instanceof TimeoutException)
						|| this.lateAnswersInARow.incrementAndGet() >= LATE_ANSWERS_TO_FALL_BACK) {
					fallBack(describe(error), error);
				}
				return Mono.fromSupplier(() -> decideWithoutRedis(maxWaitNanos));
			});
	}

	/**
	 * Redis refused the token: ask it how long the wait would have been, for the caller's
	 * exception (one more round trip, on refusals only, bounded by the same timeout). The
	 * refusal stands whatever that answer.
	 */
	private Mono<Long> refused() {
		return Mono.fromFuture(() -> this.bucket.estimateAbilityToConsume(1), true)
			.timeout(this.timeout, this.scheduler)
			.doOnNext((estimate) -> this.refusedWaitNanos = estimate.getNanosToWaitForRefill())
			.onErrorResume((error) -> Mono.empty())
			.thenReturn(REFUSED);
	}

	private CompletableFuture<Long> reserveInRedis(long maxWaitNanos) {
		try {
			CompletableFuture<Long> wait;
			if (maxWaitNanos <= 0) {
				// Bucket4j rejects a zero wait instead of treating it as "do not wait".
				wait = this.bucket.tryConsume(1).thenApply((consumed) -> consumed ? 0L : REFUSED);
			}
			else {
				WaitCapture capture = new WaitCapture();
				this.bucket.asScheduler().tryConsume(1, maxWaitNanos, capture).whenComplete(capture::completed);
				wait = capture.wait;
			}
			return wait;
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private long decideWithoutRedis(long maxWaitNanos) {
		this.fallbackRequests.increment();
		return switch (this.onFailure) {
			case ALLOW -> 0;
			case DENY -> throw new SharedRateLimitUnavailableException(this.clientName, this.redis.address(), null);
			case LOCAL -> this.localShare.reserve(maxWaitNanos);
		};
	}

	private void fallBack(String reason, @Nullable Throwable error) {
		if (this.fallingBackSince.compareAndSet(0, this.clock.millis())) {
			this.fallbacks.incrementAndGet();
			logger.warn("Sentinel client '" + this.clientName + "': Redis at " + this.redis.address()
					+ " cannot be asked (" + reason + "); the shared rate limit '" + this.key + "' falls back to "
					+ describeFallback() + " until Redis answers again");
			if (error != null && logger.isDebugEnabled()) {
				logger.debug("Redis failure of client '" + this.clientName + "'", error);
			}
		}
	}

	private void recovered() {
		this.lateAnswersInARow.set(0);
		long since = this.fallingBackSince.getAndSet(0);
		if (since != 0) {
			logger.info("Sentinel client '" + this.clientName + "': Redis at " + this.redis.address()
					+ " answers again; the shared rate limit '" + this.key + "' applies again after "
					+ SettingText.duration(Duration.ofMillis(this.clock.millis() - since)) + " of fallback");
		}
	}

	private String describeFallback() {
		return switch (this.onFailure) {
			case ALLOW -> "no limit (on-failure: allow)";
			case DENY -> "refusing every request (on-failure: deny)";
			case LOCAL -> "this replica's share, 1/" + this.replicas + " of the limit (on-failure: local)";
		};
	}

	private String describe(Throwable error) {
		if (error instanceof TimeoutException) {
			return "no answer within " + this.timeout.toMillis() + "ms";
		}
		return error.getClass().getSimpleName() + ": " + error.getMessage();
	}

	/**
	 * Register this replica, count the replicas, read the tokens left for monitoring, and
	 * end a fallback when Redis answers. Never blocks a thread.
	 */
	private void heartbeat() {
		RedisAsyncCommands<String, byte[]> commands = this.redis.commands();
		if (commands == null) {
			fallBack("not connected", null);
			return;
		}
		long now = this.clock.millis();
		byte[] member = REPLICA_ID.getBytes(StandardCharsets.UTF_8);
		CompletionStage<Long> count = commands.zadd(this.replicasKey, now, member)
			.thenCompose((added) -> commands.zremrangebyscore(this.replicasKey,
					Range.create(Double.NEGATIVE_INFINITY, (double) (now - REPLICA_EXPIRY.toMillis()))))
			.thenCompose((removed) -> commands.pexpire(this.replicasKey, REPLICA_EXPIRY.toMillis() * 2))
			.thenCompose((expiring) -> commands.zcard(this.replicasKey));
		count.thenCombine(this.bucket.getAvailableTokens(), (replicasSeen, tokens) -> {
			this.availablePermits = Math.max(0, tokens);
			replicasSeen(replicasSeen.intValue());
			return replicasSeen;
		}).toCompletableFuture().orTimeout(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, error) -> {
			if (error == null) {
				recovered();
			}
			else {
				fallBack(describe(error), error);
			}
		});
	}

	private void replicasSeen(int seen) {
		if (this.configuredReplicas == null && seen >= 1 && seen != this.replicas) {
			this.replicas = seen;
			this.localShare = ResilienceSupport.localRateLimiter(this.settings, seen);
		}
	}

	@Override
	public long estimateWaitNanos() {
		return (this.fallingBackSince.get() != 0) ? this.localShare.estimateWaitNanos() : this.refusedWaitNanos;
	}

	@Override
	public long availablePermits() {
		return (this.fallingBackSince.get() != 0) ? this.localShare.availablePermits() : this.availablePermits;
	}

	@Override
	public String key() {
		return this.key;
	}

	@Override
	public String redis() {
		return this.redis.address();
	}

	@Override
	public Optional<Instant> fallingBackSince() {
		long since = this.fallingBackSince.get();
		return (since != 0) ? Optional.of(Instant.ofEpochMilli(since)) : Optional.empty();
	}

	@Override
	public RedisFailureMode onFailure() {
		return this.onFailure;
	}

	@Override
	public long fallbacks() {
		return this.fallbacks.get();
	}

	@Override
	public long fallbackRequests() {
		return this.fallbackRequests.sum();
	}

	@Override
	public int replicas() {
		return this.replicas;
	}

	@Override
	public void close() {
		this.heartbeat.dispose();
	}

}
