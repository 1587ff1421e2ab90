package io.httpsentinel.resilience;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * Circuit breaker settings of one client. The breaker counts 5xx responses, timeouts and
 * connection failures; it never counts 4xx responses, 429 (a quota is not a health
 * problem) or the length of a stream. Every component may be {@code null}, meaning
 * "inherit".
 *
 * @param enabled whether the client has a circuit breaker
 * @param failureRateThreshold failure rate, in percent, at which the breaker opens
 * @param slidingWindow time window over which the failure rate is computed; when not set,
 * 30s or twice {@code timeouts.response-headers}, whichever is longer (see
 * {@link #slidingWindowFor(Duration)})
 * @param minimumCalls calls needed in the window before the failure rate counts
 * @param waitInOpen how long the breaker stays open before letting probes through
 * @param waitMultiplier factor applied to {@code waitInOpen} each time the breaker opens
 * again straight after probing (1 keeps it constant)
 * @param maxWaitInOpen longest wait in the open state when it grows
 * @param halfOpenCalls probe calls let through in the half-open state
 * @param maxWaitInHalfOpen longest time in the half-open state before opening again
 */
public record CircuitBreakerSettings(@Nullable Boolean enabled, @Nullable Float failureRateThreshold,
		@Nullable Duration slidingWindow, @Nullable Integer minimumCalls, @Nullable Duration waitInOpen,
		@Nullable Double waitMultiplier, @Nullable Duration maxWaitInOpen, @Nullable Integer halfOpenCalls,
		@Nullable Duration maxWaitInHalfOpen) {

	/**
	 * Settings that inherit everything.
	 */
	public static final CircuitBreakerSettings INHERIT = new CircuitBreakerSettings(null, null, null, null, null, null,
			null, null, null);

	/**
	 * Built-in defaults: enabled, opens at 50% failures with at least 20 calls in the
	 * window, open for 30s (constant), 3 probes, at most 60s half-open. The window is
	 * derived from the response-headers timeout (see
	 * {@link #slidingWindowFor(Duration)}).
	 */
	public static final CircuitBreakerSettings DEFAULTS = builder().enabled(true)
		.failureRateThreshold(50f)
		.minimumCalls(20)
		.waitInOpen(Duration.ofSeconds(30))
		.waitMultiplier(1.0)
		.maxWaitInOpen(Duration.ofMinutes(5))
		.halfOpenCalls(3)
		.maxWaitInHalfOpen(Duration.ofSeconds(60))
		.build();

	private static final Duration MIN_DERIVED_WINDOW = Duration.ofSeconds(30);

	public CircuitBreakerSettings {
		if (failureRateThreshold != null && !(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
			throw new InvalidSettingException("circuit-breaker.failure-rate-threshold", failureRateThreshold,
					"must be greater than 0 and at most 100");
		}
		SettingChecks.positive("circuit-breaker.sliding-window", slidingWindow);
		if (slidingWindow != null && slidingWindow.toSeconds() < 1) {
			throw new InvalidSettingException("circuit-breaker.sliding-window", slidingWindow, "must be at least 1s");
		}
		SettingChecks.positive("circuit-breaker.minimum-calls", minimumCalls);
		SettingChecks.positive("circuit-breaker.wait-in-open", waitInOpen);
		if (waitMultiplier != null && !(waitMultiplier >= 1.0)) {
			throw new InvalidSettingException("circuit-breaker.wait-multiplier", waitMultiplier, "must be at least 1");
		}
		SettingChecks.positive("circuit-breaker.max-wait-in-open", maxWaitInOpen);
		SettingChecks.positive("circuit-breaker.half-open-calls", halfOpenCalls);
		SettingChecks.positive("circuit-breaker.max-wait-in-half-open", maxWaitInHalfOpen);
	}

	public CircuitBreakerSettings orElse(CircuitBreakerSettings other) {
		return new CircuitBreakerSettings(SettingChecks.pick(this.enabled, other.enabled),
				SettingChecks.pick(this.failureRateThreshold, other.failureRateThreshold),
				SettingChecks.pick(this.slidingWindow, other.slidingWindow),
				SettingChecks.pick(this.minimumCalls, other.minimumCalls),
				SettingChecks.pick(this.waitInOpen, other.waitInOpen),
				SettingChecks.pick(this.waitMultiplier, other.waitMultiplier),
				SettingChecks.pick(this.maxWaitInOpen, other.maxWaitInOpen),
				SettingChecks.pick(this.halfOpenCalls, other.halfOpenCalls),
				SettingChecks.pick(this.maxWaitInHalfOpen, other.maxWaitInHalfOpen));
	}

	public CircuitBreakerSettings withEnabled(@Nullable Boolean enabled) {
		return toBuilder().enabled(enabled).build();
	}

	public CircuitBreakerSettings withThreshold(@Nullable Float failureRateThreshold, @Nullable Integer minimumCalls) {
		return toBuilder().failureRateThreshold(failureRateThreshold).minimumCalls(minimumCalls).build();
	}

	public CircuitBreakerSettings withWaitInOpen(@Nullable Duration waitInOpen, @Nullable Double waitMultiplier,
			@Nullable Duration maxWaitInOpen) {
		return toBuilder().waitInOpen(waitInOpen).waitMultiplier(waitMultiplier).maxWaitInOpen(maxWaitInOpen).build();
	}

	public CircuitBreakerSettings withHalfOpenCalls(@Nullable Integer halfOpenCalls) {
		return toBuilder().halfOpenCalls(halfOpenCalls).build();
	}

	/**
	 * Window to use for a client: the configured one, else 30s or twice the
	 * response-headers timeout, whichever is longer, so that the window always spans at
	 * least two of the slowest calls it judges.
	 * @param responseHeaders the client's response-headers timeout
	 * @return the sliding window
	 */
	public Duration slidingWindowFor(Duration responseHeaders) {
		if (this.slidingWindow != null) {
			return this.slidingWindow;
		}
		Duration twice = responseHeaders.multipliedBy(2);
		return (twice.compareTo(MIN_DERIVED_WINDOW) > 0) ? twice : MIN_DERIVED_WINDOW;
	}

	/**
	 * Whether the breaker is on; {@code true} when not set.
	 * @return whether enabled
	 */
	public boolean isEnabled() {
		return !Boolean.FALSE.equals(this.enabled);
	}

	public void checkConsistent(@Nullable Duration responseHeaders) {
		if (this.waitInOpen != null && this.maxWaitInOpen != null
				&& this.maxWaitInOpen.compareTo(this.waitInOpen) < 0) {
			throw new InvalidSettingException("circuit-breaker.max-wait-in-open", this.maxWaitInOpen,
					"must not be shorter than circuit-breaker.wait-in-open (" + this.waitInOpen + ")");
		}
		if (isEnabled() && this.slidingWindow != null && responseHeaders != null
				&& this.slidingWindow.compareTo(responseHeaders.multipliedBy(2)) < 0) {
			// A window shorter than two slow calls cannot hold the calls it is meant to
			// judge.
			throw new InvalidSettingException("circuit-breaker.sliding-window", this.slidingWindow,
					"must be at least twice timeouts.response-headers (" + responseHeaders + ")");
		}
	}

	/**
	 * Start building settings by name, from settings that inherit everything.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder(INHERIT);
	}

	private Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * Builds {@link CircuitBreakerSettings} by name; each method sets the component of
	 * the same name.
	 */
	public static final class Builder {

		private @Nullable Boolean enabled;

		private @Nullable Float failureRateThreshold;

		private @Nullable Duration slidingWindow;

		private @Nullable Integer minimumCalls;

		private @Nullable Duration waitInOpen;

		private @Nullable Double waitMultiplier;

		private @Nullable Duration maxWaitInOpen;

		private @Nullable Integer halfOpenCalls;

		private @Nullable Duration maxWaitInHalfOpen;

		private Builder(CircuitBreakerSettings from) {
			this.enabled = from.enabled;
			this.failureRateThreshold = from.failureRateThreshold;
			this.slidingWindow = from.slidingWindow;
			this.minimumCalls = from.minimumCalls;
			this.waitInOpen = from.waitInOpen;
			this.waitMultiplier = from.waitMultiplier;
			this.maxWaitInOpen = from.maxWaitInOpen;
			this.halfOpenCalls = from.halfOpenCalls;
			this.maxWaitInHalfOpen = from.maxWaitInHalfOpen;
		}

		public Builder enabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
			return this;
		}

		public Builder failureRateThreshold(@Nullable Float failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
			return this;
		}

		public Builder slidingWindow(@Nullable Duration slidingWindow) {
			this.slidingWindow = slidingWindow;
			return this;
		}

		public Builder minimumCalls(@Nullable Integer minimumCalls) {
			this.minimumCalls = minimumCalls;
			return this;
		}

		public Builder waitInOpen(@Nullable Duration waitInOpen) {
			this.waitInOpen = waitInOpen;
			return this;
		}

		public Builder waitMultiplier(@Nullable Double waitMultiplier) {
			this.waitMultiplier = waitMultiplier;
			return this;
		}

		public Builder maxWaitInOpen(@Nullable Duration maxWaitInOpen) {
			this.maxWaitInOpen = maxWaitInOpen;
			return this;
		}

		public Builder halfOpenCalls(@Nullable Integer halfOpenCalls) {
			this.halfOpenCalls = halfOpenCalls;
			return this;
		}

		public Builder maxWaitInHalfOpen(@Nullable Duration maxWaitInHalfOpen) {
			this.maxWaitInHalfOpen = maxWaitInHalfOpen;
			return this;
		}

		public CircuitBreakerSettings build() {
			return new CircuitBreakerSettings(this.enabled, this.failureRateThreshold, this.slidingWindow,
					this.minimumCalls, this.waitInOpen, this.waitMultiplier, this.maxWaitInOpen, this.halfOpenCalls,
					this.maxWaitInHalfOpen);
		}

	}

}
