package io.httpsentinel.resilience;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.ClientResponse;

import io.httpsentinel.client.pool.PoolSettings;
import io.httpsentinel.client.pool.TimeoutSettings;

/**
 * Per-call cost of the checks the pipeline makes on every attempt, without any network:
 * the rate limiter's reservation and the circuit breaker's permission and outcome
 * recording. Everything comes from a client's resilience state as
 * {@link ResilienceSupport} makes it for a {@code SentinelClient} (default breaker
 * settings; a rate limit of {@value #RATE} requests/s with a burst of {@value #BURST},
 * which a benchmark cannot exhaust); nothing is sent. In this package to reach the
 * limiter and the breaker, which are the pipeline's own.
 * <ul>
 * <li>{@link #rateLimiterReserve}: {@link RateLimiter#reserve(long)} on the client's
 * Bucket4j token bucket, as {@code Call.beforeAttempt} calls it (max wait: the client's
 * {@code rate-limit.max-wait}).</li>
 * <li>{@link #breakerPermitAndSuccess}: the Resilience4j breaker behind the client's
 * Spring Cloud breaker, {@code tryAcquirePermission()} then
 * {@code onSuccess(duration, NANOSECONDS)}, with the two timestamps that measure the
 * duration.</li>
 * <li>{@link #breakerPermitAndResult}: what Resilience4j's Reactor operator actually does
 * for a {@code Mono}: the same, but {@code onResult(duration, unit, response)}, which
 * first runs Sentinel's record-result predicate (is the response a 5xx?) on a 200
 * response.</li>
 * <li>{@link #limiterAndBreaker}: both checks, as the pipeline runs them per attempt
 * (target: at most 100 ns).</li>
 * <li>{@link #limiterAndMeteredBreaker}: the same in an application with Micrometer,
 * where Spring Cloud binds Resilience4j's {@code resilience4j.circuitbreaker.*} meters to
 * every breaker (as its auto-configuration does): Resilience4j then publishes an event
 * per recorded call, which its {@code resilience4j.circuitbreaker.calls} timer
 * consumes.</li>
 * <li>{@link #springCloudBreakerRun} (for information): the breaker as the pipeline
 * really invokes it, {@code ReactiveBreaker.protect}, i.e. Spring Cloud's
 * {@code ReactiveCircuitBreaker.run(mono, fallback)}, around an immediate {@code Mono}
 * subscribed with {@code block()}: the checks plus Spring Cloud's per-call wrapper
 * (registry lookup, operator assembly) and the Reactor subscription.</li>
 * <li>{@link #monoBlockBaseline} (for information): {@code Mono.just(x).hide().block()},
 * the subscription alone, to tell it apart from the wrapper in the line above.</li>
 * </ul>
 * Single-threaded: the uncontended cost. Add {@code -t 2} for two threads sharing the
 * client's limiter and breaker.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ResilienceChecksBenchmark {

	/**
	 * Tokens per second: Bucket4j's highest refill rate (one token per nanosecond), far
	 * more than a benchmark thread can take.
	 */
	static final int RATE = 1_000_000_000;

	/** Bucket capacity. */
	static final int BURST = Integer.MAX_VALUE;

	private RateLimiter rateLimiter;

	private long rateLimitMaxWaitNanos;

	private ReactiveBreaker reactiveBreaker;

	private CircuitBreaker breaker;

	private CircuitBreaker meteredBreaker;

	private ClientResponse okResponse;

	@Setup(Level.Trial)
	public void createResilience() {
		// A client's default settings, but for the rate limit.
		RateLimitSettings rateLimit = new RateLimitSettings(RATE, null, BURST, RateLimitSettings.DEFAULTS.maxWait());
		PipelineSettings settings = new PipelineSettings(RetrySettings.DEFAULTS, CircuitBreakerSettings.DEFAULTS,
				rateLimit, TimeoutSettings.DEFAULTS, PoolSettings.DEFAULTS.pendingAcquireTimeout(),
				DataSize.ofMegabytes(10));
		ResilienceSupport support = ResilienceSupport.standalone();
		ClientResilience resilience = support.create("checks", settings);
		this.rateLimiter = resilience.rateLimiter();
		this.rateLimitMaxWaitNanos = rateLimit.maxWait().toNanos();
		this.reactiveBreaker = CircuitBreakers.reactive(support.circuitBreakerFactory(), "checks",
				resilience.breaker());
		CircuitBreaker state = resilience.breaker().resilience4j();
		if (state == null || this.rateLimiter == RateLimiter.UNLIMITED) {
			throw new IllegalStateException("the client has no breaker or no rate limiter");
		}
		this.breaker = state;
		ResilienceSupport metered = ResilienceSupport.standalone();
		TaggedCircuitBreakerMetrics
			.ofCircuitBreakerRegistry(metered.circuitBreakerFactory().getCircuitBreakerRegistry())
			.bindTo(new SimpleMeterRegistry());
		this.meteredBreaker = metered.create("checks", settings).breaker().resilience4j();
		this.okResponse = ClientResponse.create(HttpStatus.OK).build();
	}

	@TearDown(Level.Trial)
	public void report(BenchmarkParams benchmark) {
		String name = benchmark.getBenchmark().substring(benchmark.getBenchmark().lastIndexOf('.') + 1);
		CircuitBreaker.Metrics metrics = this.breaker.getMetrics();
		System.out.printf(Locale.ROOT,
				"%n[%s] breaker %s (last window: %d successful, %d failed, %d not permitted), "
						+ "rate limiter %d of %d permits left%n",
				name, this.breaker.getState(), metrics.getNumberOfSuccessfulCalls(), metrics.getNumberOfFailedCalls(),
				metrics.getNumberOfNotPermittedCalls(), this.rateLimiter.availablePermits(), BURST);
	}

	@Benchmark
	public long rateLimiterReserve() {
		return this.rateLimiter.reserve(this.rateLimitMaxWaitNanos);
	}

	@Benchmark
	public void breakerPermitAndSuccess(Blackhole blackhole) {
		CircuitBreaker breaker = this.breaker;
		long start = breaker.getCurrentTimestamp();
		boolean permitted = breaker.tryAcquirePermission();
		breaker.onSuccess(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit());
		blackhole.consume(permitted);
	}

	@Benchmark
	public void breakerPermitAndResult(Blackhole blackhole) {
		blackhole.consume(permitAndResult(this.breaker, this.okResponse));
	}

	@Benchmark
	public void limiterAndBreaker(Blackhole blackhole) {
		blackhole.consume(this.rateLimiter.reserve(this.rateLimitMaxWaitNanos));
		blackhole.consume(permitAndResult(this.breaker, this.okResponse));
	}

	private static boolean permitAndResult(CircuitBreaker breaker, ClientResponse response) {
		long start = breaker.getCurrentTimestamp();
		boolean permitted = breaker.tryAcquirePermission();
		breaker.onResult(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), response);
		return permitted;
	}

	@Benchmark
	public void limiterAndMeteredBreaker(Blackhole blackhole) {
		blackhole.consume(this.rateLimiter.reserve(this.rateLimitMaxWaitNanos));
		blackhole.consume(permitAndResult(this.meteredBreaker, this.okResponse));
	}

	@Benchmark
	public ClientResponse springCloudBreakerRun() {
		return this.reactiveBreaker.protect(Mono.just(this.okResponse)).block();
	}

	@Benchmark
	public ClientResponse monoBlockBaseline() {
		return Mono.just(this.okResponse).hide().block();
	}

}
