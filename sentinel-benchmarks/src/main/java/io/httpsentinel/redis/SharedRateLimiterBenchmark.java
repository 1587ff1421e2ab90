package io.httpsentinel.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.scheduler.Schedulers;

import io.httpsentinel.benchmarks.RedisProcess;
import io.httpsentinel.resilience.AdaptivePacingSettings;
import io.httpsentinel.resilience.RateLimitSettings;
import io.httpsentinel.resilience.RateLimitStore;
import io.httpsentinel.resilience.RateLimiter;
import io.httpsentinel.resilience.RedisFailureMode;
import io.httpsentinel.resilience.ResilienceSupport;
import io.httpsentinel.resilience.SharedRateLimitSettings;

/**
 * Per-call cost of one reservation in a rate limit shared through Redis, on loopback, in
 * {@link Mode#SampleTime} (JMH prints p50, p99 and p99.9 of each call), against a
 * {@code redis-server} this benchmark starts ({@link RedisProcess}). The bucket allows
 * {@value #RATE} requests/s with a burst of {@value #BURST}, which a benchmark cannot
 * exhaust: every reservation is granted without waiting, so what is measured is the round
 * trips to Redis and the work around them. Single-threaded, each call awaited before the
 * next: the latency a request sees, not Redis's throughput.
 * <ul>
 * <li>{@link #redisPing}: Lettuce's asynchronous {@code PING}, awaited: one round trip,
 * the floor of anything that asks Redis.</li>
 * <li>{@link #bucket4jTryConsume}: Bucket4j's {@link LettuceBasedProxyManager} (the
 * compare-and-swap proxy of {@code bucket4j_jdk17-lettuce}), {@code tryConsume(1)} on its
 * asynchronous bucket, awaited.</li>
 * <li>{@link #bucket4jSchedulerTryConsume}: the same through
 * {@code asScheduler().tryConsume(1, maxWait, scheduler)}, the call that can wait for a
 * token (the form a limiter with {@code max-wait} uses).</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SharedRateLimiterBenchmark {

	/** Tokens per second: far more than a benchmark thread can take. */
	static final long RATE = 1_000_000_000;

	/** Bucket capacity. */
	static final long BURST = Integer.MAX_VALUE;

	private static final long MAX_WAIT_NANOS = Duration.ofSeconds(30).toNanos();

	private RedisProcess redis;

	private RedisClient client;

	private StatefulRedisConnection<byte[], byte[]> connection;

	private RedisAsyncCommands<byte[], byte[]> commands;

	private AsyncBucketProxy bucket;

	private ScheduledExecutorService scheduler;

	private RedisClientStateStore store;

	private RedisRateLimiter sharedLimiter;

	private RateLimiter localLimiter;

	@Setup(Level.Trial)
	public void startRedis() throws Exception {
		this.redis = RedisProcess.start();
		this.client = RedisClient.create(this.redis.url());
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		this.commands = this.connection.async();
		BucketConfiguration configuration = BucketConfiguration.builder()
			.addLimit((limit) -> limit.capacity(BURST).refillGreedy(RATE, Duration.ofSeconds(1)))
			.build();
		this.bucket = LettuceBasedProxyManager.builderFor(this.connection)
			.build()
			.asAsync()
			.builder()
			.build("sentinel:rate-limit:bench".getBytes(StandardCharsets.UTF_8),
					() -> CompletableFuture.completedFuture(configuration));
		this.scheduler = Executors.newSingleThreadScheduledExecutor();
		RateLimitSettings settings = new RateLimitSettings((int) RATE, null, (int) BURST,
				Duration.ofNanos(MAX_WAIT_NANOS), RateLimitStore.REDIS, AdaptivePacingSettings.DEFAULTS,
				new SharedRateLimitSettings(Duration.ofSeconds(1), RedisFailureMode.LOCAL, null, null));
		RedisConnection connection = new RedisConnection(RedisURI.create(this.redis.url()), null, "sentinel:");
		// As the auto-configuration does: the first reservations find the connection
		// open.
		if (!connection.connect(Duration.ofSeconds(10))) {
			throw new IllegalStateException("Sentinel's connection to " + this.redis.url() + " did not open");
		}
		this.store = new RedisClientStateStore(connection, Clock.systemUTC(), Schedulers.parallel());
		this.localLimiter = ResilienceSupport.localRateLimiter(settings, 1);
		this.sharedLimiter = (RedisRateLimiter) this.store.rateLimiter("bench", settings, this.localLimiter);
	}

	@TearDown(Level.Trial)
	public void stopRedis() throws Exception {
		System.out.printf("%n[shared limiter] fallbacks %d, requests decided by the fallback %d%n",
				this.sharedLimiter.fallbacks(), this.sharedLimiter.fallbackRequests());
		this.store.close();
		this.scheduler.shutdownNow();
		this.connection.close();
		this.client.shutdown();
		this.redis.close();
	}

	@Benchmark
	public Long sharedLimiterReserve() {
		return this.sharedLimiter.reserveAsync(MAX_WAIT_NANOS).block();
	}

	@Benchmark
	public long localLimiterReserve() {
		return this.localLimiter.reserve(MAX_WAIT_NANOS);
	}

	@Benchmark
	public String redisPing() throws Exception {
		return this.commands.ping().get();
	}

	@Benchmark
	public boolean bucket4jTryConsume() throws Exception {
		return this.bucket.tryConsume(1).get();
	}

	@Benchmark
	public boolean bucket4jSchedulerTryConsume() throws Exception {
		return this.bucket.asScheduler().tryConsume(1, MAX_WAIT_NANOS, this.scheduler).get();
	}

}
