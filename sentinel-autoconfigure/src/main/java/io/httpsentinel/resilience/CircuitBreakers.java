package io.httpsentinel.resilience;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4jBulkheadProvider;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigurationProperties;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.client.ClientResponse;

import io.httpsentinel.Internal;
import io.httpsentinel.client.pool.ReadIdleTimeoutException;

/**
 * Configures Spring Cloud CircuitBreaker (Resilience4j) for Sentinel clients. Spring
 * Cloud's defaults are wrong for HTTP clients that stream: its 1s time limiter kills any
 * call slower than a second, and its bulkhead caps a breaker at 25 concurrent calls. For
 * a client's breaker (id = client name) Sentinel turns both off and applies the client's
 * {@code circuit-breaker.*} settings; a
 * {@code Customizer<ReactiveResilience4JCircuitBreakerFactory>} still takes precedence,
 * and so does Resilience4j's own {@code resilience4j.circuitbreaker.instances.<client>}
 * in an application with {@code resilience4j-spring-boot3}. Spring Cloud applies its
 * bulkhead only when {@code resilience4j-bulkhead} is on the class path.
 */
@Internal
public final class CircuitBreakers {

	/**
	 * Effectively no time limit; only used if the time limiter cannot be switched off.
	 */
	private static final Duration NO_TIME_LIMIT = Duration.ofDays(365);

	private static final Duration NEVER_SLOW = Duration.ofDays(3650);

	private CircuitBreakers() {
	}

	/**
	 * Resilience4j configuration for a client's breaker.
	 * @param settings resolved breaker settings
	 * @param responseHeaders the client's response-headers timeout (sizes the default
	 * window)
	 * @param clock clock of the breaker (moves in tests); the system clock in UTC is read
	 * as of the deadline wheel's last tick (10 ms)
	 * @return the configuration
	 */
	public static CircuitBreakerConfig config(CircuitBreakerSettings settings, Duration responseHeaders, Clock clock) {
		Duration window = settings.slidingWindowFor(responseHeaders);
		return CircuitBreakerConfig.custom()
			.failureRateThreshold(settings.failureRateThreshold())
			.slidingWindowType(SlidingWindowType.TIME_BASED)
			.slidingWindowSize((int) Math.min(Integer.MAX_VALUE, window.toSeconds()))
			.minimumNumberOfCalls(settings.minimumCalls())
			.waitIntervalFunctionInOpenState(waitInOpen(settings))
			.permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
			.maxWaitDurationInHalfOpenState(settings.maxWaitInHalfOpen())
			// A stream's length is not a health signal: no slow calls, and so no need to
			// time calls (two clock reads per call); http.client.requests times them.
			.slowCallDurationThreshold(NEVER_SLOW)
			.slowCallRateThreshold(100)
			.currentTimestampFunction((ignored) -> 0L, TimeUnit.NANOSECONDS)
			.recordException(CircuitBreakers::isFailure)
			.recordResult(CircuitBreakers::isFailedResponse)
			.clock(breakerClock(clock))
			.build();
	}

	/**
	 * The clock a breaker reads on every recorded call: for the system clock, the one
	 * that only moves at each tick of the deadline wheel, which costs nothing to read;
	 * otherwise the given one (tests move theirs).
	 */
	private static Clock breakerClock(Clock clock) {
		return clock.equals(Clock.systemUTC()) ? TickClock.UTC : clock;
	}

	/**
	 * Whether an error recorded by a breaker is a failure: one that says something about
	 * the upstream's health, and a stream that went silent for {@code timeouts.read-idle}
	 * after its headers, a gateway failure like a timeout (Resilience4j would otherwise
	 * record it as a success).
	 */
	private static boolean isFailure(Throwable error) {
		return error instanceof ReadIdleTimeoutException || FailureKind.of(error).upstreamFault();
	}

	/**
	 * Whether a result recorded by a breaker is a failure: 5xx responses are; 4xx (and
	 * 429: a quota is not ill health) are not. A reactive attempt's result is its
	 * {@link ClientResponse}; a blocking one records its status.
	 */
	private static boolean isFailedResponse(Object result) {
		if (result instanceof ClientResponse response) {
			return response.statusCode().is5xxServerError();
		}
		return result instanceof HttpStatusCode status && status.is5xxServerError();
	}

	private static IntervalFunction waitInOpen(CircuitBreakerSettings settings) {
		long max = settings.maxWaitInOpen().toMillis();
		double multiplier = settings.waitMultiplier();
		return IntervalFunction.of(settings.waitInOpen(),
				(previous) -> Math.min(max, (long) Math.min(Long.MAX_VALUE, previous * multiplier)));
	}

	/**
	 * Register a client's configuration with the factory, switch off the time limiter
	 * (unless explicitly configured for this id) and lift the bulkhead (unless
	 * Resilience4j has a configuration for this id).
	 * @param factory the Spring Cloud factory
	 * @param properties Spring Cloud's properties, or {@code null} when there are none
	 * @param id the breaker id (the client name)
	 * @param config the breaker configuration
	 */
	public static void register(ReactiveResilience4JCircuitBreakerFactory factory,
			@Nullable Resilience4JConfigurationProperties properties, String id, CircuitBreakerConfig config) {
		if (properties != null) {
			properties.getDisableTimeLimiterMap().putIfAbsent(id, true);
		}
		factory.configure((builder) -> builder.circuitBreakerConfig(config)
			.timeLimiterConfig(TimeLimiterConfig.custom().timeoutDuration(NO_TIME_LIMIT).build()), id);
	}

	/**
	 * Lift Spring Cloud's default bulkhead (25 concurrent calls) for a client, unless
	 * Resilience4j has a configuration of its own for this id.
	 * @param bulkheads the bulkhead provider
	 * @param id the breaker id (the client name)
	 */
	public static void liftBulkhead(ReactiveResilience4jBulkheadProvider bulkheads, String id) {
		if (bulkheads.getBulkheadRegistry().getConfiguration(id).isEmpty()) {
			bulkheads.configure((builder) -> builder.bulkheadConfig(BulkheadConfig.custom()
				.maxConcurrentCalls(Integer.MAX_VALUE)
				.maxWaitDuration(Duration.ZERO)
				.build()), id);
		}
	}

	/**
	 * Create a client's breaker from a factory already configured with {@link #register}.
	 * @param factory the factory
	 * @param clientName the client name (the breaker id)
	 * @return the client's breaker
	 */
	static ClientCircuitBreaker create(ReactiveResilience4JCircuitBreakerFactory factory, String clientName) {
		ReactiveCircuitBreaker breaker = factory.create(clientName);
		// Spring Cloud creates the Resilience4j instance with the resolved configuration
		// when a call is assembled; assemble one (never subscribed) to reach it.
		breaker.run(reactor.core.publisher.Mono.empty());
		CircuitBreaker state = factory.getCircuitBreakerRegistry()
			.find(clientName)
			.orElseThrow(() -> new IllegalStateException("No circuit breaker '" + clientName + "'"));
		return new ClientCircuitBreaker(clientName, state);
	}

	/**
	 * Assemble the reactive side of a client's breaker, once per client, on the
	 * Resilience4j instance {@link #create} found.
	 * @param factory the factory
	 * @param clientName the client name (the breaker id)
	 * @param breaker the client's breaker
	 * @return Spring Cloud's breaker around each attempt (asking the instance directly
	 * when Spring Cloud adds nothing to it), or one that lets everything through when the
	 * client has no breaker
	 */
	static ReactiveBreaker reactive(ReactiveResilience4JCircuitBreakerFactory factory, String clientName,
			ClientCircuitBreaker breaker) {
		CircuitBreaker instance = breaker.resilience4j();
		if (instance == null) {
			return ReactiveBreaker.NONE;
		}
		return ReactiveBreaker.assemble(clientName, factory.create(clientName), instance);
	}

}
