package io.httpsentinel.resilience;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.bucket4j.TimeMeter;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigurationProperties;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

import io.httpsentinel.Internal;

/**
 * What the pipelines of all clients share: the circuit breaker factory, the clock, the
 * scheduler for delays and timeouts, and the listeners told about every attempt.
 *
 * @param circuitBreakerFactory Spring Cloud's factory
 * @param circuitBreakersPreconfigured whether Sentinel's breaker configurations were
 * already registered with the factory (by the auto-configuration, before user
 * customizers); when {@code false}, {@link #create} registers them
 * @param circuitBreakerProperties Spring Cloud's properties, to switch the time limiter
 * off per client, or {@code null}
 * @param clock wall clock (Retry-After dates, host pauses, breaker timing)
 * @param scheduler where backoff and rate-limit waits run
 * @param deadlines timers for the total timeout
 * @param listeners told about every attempt of every client
 * @param stateStore where the state replicas may share is kept
 * @param discovery finds the backends of a base URL naming a service ({@code lb://})
 */
@Internal
public record ResilienceSupport(ReactiveResilience4JCircuitBreakerFactory circuitBreakerFactory,
		boolean circuitBreakersPreconfigured, @Nullable Resilience4JConfigurationProperties circuitBreakerProperties,
		Clock clock, Supplier<Scheduler> scheduler, DeadlineTimer deadlines, List<RetryListener> listeners,
		ClientStateStore stateStore, BackendDiscovery discovery) {

	/**
	 * Support without discovery of backends.
	 * @param circuitBreakerFactory Spring Cloud's factory
	 * @param circuitBreakersPreconfigured whether Sentinel's breaker configurations were
	 * already registered with the factory
	 * @param circuitBreakerProperties Spring Cloud's properties, or {@code null}
	 * @param clock wall clock
	 * @param scheduler where backoff and rate-limit waits run
	 * @param deadlines timers for the total timeout
	 * @param listeners told about every attempt of every client
	 * @param stateStore where the state replicas may share is kept
	 */
	public ResilienceSupport(ReactiveResilience4JCircuitBreakerFactory circuitBreakerFactory,
			boolean circuitBreakersPreconfigured,
			@Nullable Resilience4JConfigurationProperties circuitBreakerProperties, Clock clock,
			Supplier<Scheduler> scheduler, DeadlineTimer deadlines, List<RetryListener> listeners,
			ClientStateStore stateStore) {
		this(circuitBreakerFactory, circuitBreakersPreconfigured, circuitBreakerProperties, clock, scheduler, deadlines,
				listeners, stateStore, BackendDiscovery.NONE);
	}

	/**
	 * Support keeping every client's state in this process.
	 * @param circuitBreakerFactory Spring Cloud's factory
	 * @param circuitBreakersPreconfigured whether Sentinel's breaker configurations were
	 * already registered with the factory
	 * @param circuitBreakerProperties Spring Cloud's properties, or {@code null}
	 * @param clock wall clock
	 * @param scheduler where backoff and rate-limit waits run
	 * @param deadlines timers for the total timeout
	 * @param listeners told about every attempt of every client
	 */
	public ResilienceSupport(ReactiveResilience4JCircuitBreakerFactory circuitBreakerFactory,
			boolean circuitBreakersPreconfigured,
			@Nullable Resilience4JConfigurationProperties circuitBreakerProperties, Clock clock,
			Supplier<Scheduler> scheduler, DeadlineTimer deadlines, List<RetryListener> listeners) {
		this(circuitBreakerFactory, circuitBreakersPreconfigured, circuitBreakerProperties, clock, scheduler, deadlines,
				listeners, ClientStateStore.LOCAL);
	}

	/**
	 * Support with a private circuit breaker factory, the system clock, Reactor's
	 * parallel scheduler and the shared deadline wheel: for use without Spring Boot.
	 * @return the support
	 */
	public static ResilienceSupport standalone() {
		return standalone(Clock.systemUTC(), Schedulers::parallel, List.of());
	}

	/**
	 * Support with a private circuit breaker factory and the shared deadline wheel.
	 * @param clock the clock
	 * @param scheduler where backoff and rate-limit waits run
	 * @param listeners attempt listeners
	 * @return the support
	 */
	public static ResilienceSupport standalone(Clock clock, Supplier<Scheduler> scheduler,
			List<RetryListener> listeners) {
		Resilience4JConfigurationProperties properties = new Resilience4JConfigurationProperties();
		ReactiveResilience4JCircuitBreakerFactory factory = new ReactiveResilience4JCircuitBreakerFactory(
				CircuitBreakerRegistry.ofDefaults(), TimeLimiterRegistry.ofDefaults(), null, properties);
		return new ResilienceSupport(factory, false, properties, clock, scheduler, DeadlineTimer.wheel(), listeners);
	}

	/**
	 * This support with another store of the clients' shared state.
	 * @param store the store
	 * @return the support
	 */
	public ResilienceSupport withStateStore(ClientStateStore store) {
		return new ResilienceSupport(this.circuitBreakerFactory, this.circuitBreakersPreconfigured,
				this.circuitBreakerProperties, this.clock, this.scheduler, this.deadlines, this.listeners, store,
				this.discovery);
	}

	/**
	 * This support with another discovery of backends.
	 * @param discovery finds the backends of a base URL naming a service
	 * @return the support
	 */
	public ResilienceSupport withBackendDiscovery(BackendDiscovery discovery) {
		return new ResilienceSupport(this.circuitBreakerFactory, this.circuitBreakersPreconfigured,
				this.circuitBreakerProperties, this.clock, this.scheduler, this.deadlines, this.listeners,
				this.stateStore, discovery);
	}

	/**
	 * Create the resilience state of a client.
	 * @param clientName the client name
	 * @param settings what the pipeline reads of the client's resolved settings
	 * @return its state
	 */
	public ClientResilience create(String clientName, PipelineSettings settings) {
		RetrySettings retry = settings.retry();
		RetryBudget budget = new RetryBudget(retry.budget().ratio(), retry.budget().minConcurrency());
		ClientCircuitBreaker breaker = ClientCircuitBreaker.disabled();
		if (settings.circuitBreaker().isEnabled()) {
			if (!this.circuitBreakersPreconfigured) {
				CircuitBreakers.register(this.circuitBreakerFactory, this.circuitBreakerProperties, clientName,
						CircuitBreakers.config(settings.circuitBreaker(), settings.timeouts().responseHeaders(),
								this.clock));
			}
			breaker = CircuitBreakers.create(this.circuitBreakerFactory, clientName);
		}
		RateLimitSettings rateLimit = settings.rateLimit();
		RateLimiter rateLimiter = this.stateStore.rateLimiter(clientName, rateLimit, localRateLimiter(rateLimit, 1));
		SharedRateLimitView shared = (rateLimiter instanceof SharedRateLimitView view) ? view : null;
		if (rateLimit.adaptive().isEnabled()) {
			rateLimiter = AdaptivePacer.decorate(rateLimiter, rateLimit.adaptive(),
					this.stateStore.pacingSchedule(clientName, rateLimit, PacingSchedule.local(this.clock)),
					this.clock);
		}
		HostPauseView hostPause = this.stateStore.hostPause(clientName, rateLimit, new HostPauseGate(this.clock));
		return new ClientResilience(new RetryPolicy(retry, this.clock), budget, breaker, rateLimiter, hostPause,
				new PipelineStatistics(() -> this.scheduler.get().now(TimeUnit.NANOSECONDS), budget), shared,
				backends(clientName, settings));
	}

	/**
	 * The backends of a client with several, following their source from now on.
	 */
	private @Nullable Backends backends(String clientName, PipelineSettings settings) {
		if (!settings.hasSeveralBackends()) {
			return null;
		}
		URI baseUrl = Objects.requireNonNull(settings.baseUrl());
		BackendSource source = settings.backends().hasEndpoints()
				? BackendSource.fixed(Objects.requireNonNull(settings.backends().endpoints()))
				: this.discovery.source(clientName, baseUrl.getHost());
		return new Backends(clientName, baseUrl, source, settings.backends(), this.clock).start();
	}

	/**
	 * The exchange filter running a client's pipeline.
	 * @param clientName the client name
	 * @param settings what the pipeline reads of the client's resolved settings
	 * @param resilience the client's state
	 * @return the filter
	 */
	public ExchangeFilterFunction filter(String clientName, PipelineSettings settings, ClientResilience resilience) {
		ReactiveBreaker breaker = CircuitBreakers.reactive(this.circuitBreakerFactory, clientName,
				resilience.breaker());
		return new ResilienceFilter(new Pipeline(clientName, settings, resilience, this.listeners), breaker,
				this.scheduler, this.deadlines);
	}

	/**
	 * The in-process limiter of the given settings, or a share of it.
	 * @param settings the client's resolved rate-limit settings
	 * @param share divides the rate and the burst (at least one permit each): 1 for the
	 * whole limit, the number of replicas for one replica's share
	 * @return the limiter, {@link RateLimiter#UNLIMITED} when no rate is set
	 */
	public static RateLimiter localRateLimiter(RateLimitSettings settings, int share) {
		if (!settings.isLimited()) {
			return RateLimiter.UNLIMITED;
		}
		return new TokenBucketRateLimiter(Math.max(1, settings.permitsPerPeriod() / share), settings.period(),
				Math.max(1, settings.effectiveBurst() / share), TimeMeter.SYSTEM_NANOTIME);
	}

}
