package io.httpsentinel.health;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.pool.PoolStatistics.PoolSnapshot;
import io.httpsentinel.resilience.BackendView;
import io.httpsentinel.resilience.BackendsView;
import io.httpsentinel.resilience.CircuitBreakerView;
import io.httpsentinel.resilience.RedisFailureMode;
import io.httpsentinel.resilience.AdaptivePacingView;
import io.httpsentinel.resilience.SharedRateLimitView;

/**
 * What a client is doing right now, read from memory only (never from the upstream): its
 * pool, its circuit breaker, whether its host is paused and, for a client with several
 * backends, the state of each.
 *
 * @param pool the connection pool
 * @param circuitBreaker the circuit breaker
 * @param pausedUntil end of the host pause, or {@code null} when the host is not paused
 * @param sharedRateLimit the rate limit shared through Redis, or {@code null} when the
 * client keeps its limit in this process
 * @param backends the backends of a client with several ({@code endpoints} or
 * {@code lb://}), or {@code null} for a client with one base URL
 * @param adaptivePacing adaptive pacing from the provider's rate-limit headers, or
 * {@code null} when the client does not pace from them
 */
public record ClientState(PoolState pool, BreakerState circuitBreaker, @Nullable Instant pausedUntil,
		@Nullable SharedRateLimitState sharedRateLimit, @Nullable BackendsState backends,
		@Nullable AdaptivePacingState adaptivePacing) {

	/**
	 * Read the state of a client.
	 * @param client the client
	 * @return its state now
	 */
	public static ClientState of(SentinelClient client) {
		PoolSnapshot pool = client.pool();
		Integer max = client.settings().pool().maxConnections();
		PoolState poolState = new PoolState(pool.active(), pool.idle(), pool.pending(), pool.total(),
				(max != null) ? max : 0);
		return new ClientState(poolState, BreakerState.of(client.circuitBreaker()),
				client.hostPause().pausedUntil().orElse(null),
				client.sharedRateLimit().map(SharedRateLimitState::of).orElse(null),
				client.backends().map(BackendsState::of).orElse(null),
				client.adaptivePacing().map(AdaptivePacingState::of).orElse(null));
	}

	/**
	 * Whether the breaker rejects calls: it is open, forced open, or half-open (only the
	 * probe calls pass; every other call is rejected until they succeed). Not named like
	 * a getter, so that this derived value stays out of the endpoint's JSON.
	 * @return whether calls are rejected
	 */
	public boolean rejectsCalls() {
		return switch (this.circuitBreaker.state()) {
			case OPEN, FORCED_OPEN, HALF_OPEN -> true;
			default -> false;
		};
	}

	/**
	 * Whether the client has backends of its own but knows none (discovery found no
	 * instance of its service): it fails every call at once. Backends that are all
	 * ejected still take calls (trying one beats failing the call), and paused ones are a
	 * quota, not ill health. Not named like a getter, as {@link #rejectsCalls()}.
	 * @return whether there is no backend to send to
	 */
	public boolean hasNoBackend() {
		return this.backends != null && this.backends.backends().isEmpty();
	}

	/**
	 * Figures of the connection pool.
	 *
	 * @param active connections in use by a request
	 * @param idle connections open and waiting for a request
	 * @param pending requests waiting for a connection
	 * @param total connections open
	 * @param max most connections the pool opens ({@code pool.max-connections})
	 */
	public record PoolState(int active, int idle, int pending, int total, int max) {

	}

	/**
	 * State of the circuit breaker.
	 *
	 * @param state the Resilience4j state; {@code DISABLED} when the client has no
	 * breaker ({@code circuit-breaker.enabled: false})
	 * @param failureRate failure rate in percent over the sliding window, or {@code null}
	 * until the window holds {@code circuit-breaker.minimum-calls} calls
	 */
	public record BreakerState(CircuitBreaker.State state, @Nullable Float failureRate) {

		static BreakerState of(CircuitBreakerView breaker) {
			float rate = breaker.failureRate();
			// -1 while there are too few calls to judge, or without a breaker.
			return new BreakerState(breaker.state(), (rate >= 0) ? rate : null);
		}

	}

	/**
	 * State of a rate limit shared through Redis.
	 *
	 * @param key the name of the quota in Redis
	 * @param redis where Redis is
	 * @param state {@code SHARED} while Redis answers, {@code FALLBACK} while
	 * {@code onFailure} decides
	 * @param fallingBackSince start of the current fallback, or {@code null}
	 * @param onFailure what the limiter does while Redis cannot be reached
	 * @param fallbacks times the limiter fell back so far
	 * @param fallbackRequests requests decided without Redis so far
	 * @param replicas replicas the local share is computed for
	 */
	public record SharedRateLimitState(String key, String redis, String state, @Nullable Instant fallingBackSince,
			RedisFailureMode onFailure, long fallbacks, long fallbackRequests, int replicas) {

		static SharedRateLimitState of(SharedRateLimitView view) {
			Instant since = view.fallingBackSince().orElse(null);
			return new SharedRateLimitState(view.key(), view.redis(), (since != null) ? "FALLBACK" : "SHARED", since,
					view.onFailure(), view.fallbacks(), view.fallbackRequests(), view.replicas());
		}

	}

	/**
	 * State of adaptive pacing from the provider's rate-limit headers.
	 *
	 * @param share the share of the quota this replica paces by (1 alone on it)
	 * @param sharedSchedule whether the replicas take their slots from one schedule in
	 * Redis
	 * @param remaining the requests left as last stated, less those sent since, or
	 * {@code null} while unknown
	 * @param reset when the quota is back, or {@code null} while unknown
	 * @param pacedRequests requests made to wait for a slot so far
	 * @param refusedRequests requests refused for a slot beyond {@code max-wait} so far
	 */
	public record AdaptivePacingState(double share, boolean sharedSchedule, @Nullable Long remaining,
			@Nullable Instant reset, long pacedRequests, long refusedRequests) {

		static AdaptivePacingState of(AdaptivePacingView view) {
			OptionalLong remaining = view.remaining();
			return new AdaptivePacingState(view.share(), view.sharedSchedule(),
					remaining.isPresent() ? remaining.getAsLong() : null, view.reset().orElse(null),
					view.pacedRequests(), view.refusedRequests());
		}

	}

	/**
	 * The backends of a client with several.
	 *
	 * @param source how they are found: {@code endpoints}, or the {@code lb://} URL of
	 * the service
	 * @param backends each backend, in the order they are known
	 */
	public record BackendsState(String source, List<BackendState> backends) {

		static BackendsState of(BackendsView view) {
			return new BackendsState(view.source(), view.backends().stream().map(BackendState::of).toList());
		}

	}

	/**
	 * One backend of a client with several.
	 *
	 * @param address {@code scheme://host:port}
	 * @param state {@code UP}; {@code EJECTED} while outlier detection keeps it out of
	 * the choice; {@code PAUSED} while its {@code Retry-After} keeps it out
	 * @param until when an ejection or pause ends, or {@code null} when {@code UP}
	 * @param weight its share of the traffic relative to the others
	 * @param consecutiveFailures 5xx responses and gateway failures since its last
	 * success
	 * @param requests attempts sent to it
	 * @param failures attempts that failed (5xx, or no response)
	 * @param ejections times it was ejected
	 */
	public record BackendState(String address, String state, @Nullable Instant until, int weight,
			int consecutiveFailures, long requests, long failures, long ejections) {

		static final String UP = "UP";

		static final String EJECTED = "EJECTED";

		static final String PAUSED = "PAUSED";

		static BackendState of(BackendView view) {
			// Ejected first: a pause may end before it.
			String state = view.ejected() ? EJECTED : (view.pausedUntil() != null) ? PAUSED : UP;
			Instant until = view.ejected() ? view.ejectedUntil() : view.pausedUntil();
			return new BackendState(view.address(), state, until, view.weight(), view.consecutiveFailures(),
					view.requests(), view.failures(), view.ejections());
		}

	}

}
