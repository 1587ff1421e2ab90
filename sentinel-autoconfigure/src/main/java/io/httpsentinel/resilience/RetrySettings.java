package io.httpsentinel.resilience;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * Retry settings of one client. Every component may be {@code null}, meaning "inherit"
 * (see {@link #orElse(RetrySettings)}).
 *
 * @param maxRetries retries after the first attempt; 0 disables retrying
 * @param initialDelay backoff before the first retry
 * @param multiplier factor applied to the backoff after each retry
 * @param maxDelay longest backoff
 * @param jitter fraction of each backoff that is randomized, in [0, 1]: a backoff
 * {@code d} becomes a random delay in {@code [d * (1 - jitter), d]}, so that replicas
 * that failed together fall out of step
 * @param statuses response statuses that are retried
 * @param maxRetryAfter longest {@code Retry-After} honoured by waiting; a longer one is
 * not retried and pauses the client for every caller until then
 * @param nonIdempotent whether POST and PATCH requests are retried after they reached the
 * server (right for APIs that answer 429/503 before doing any work, like LLM APIs);
 * without it they are retried only when the request provably never reached the server
 * @param idempotencyKeyHeader name of a header that carries one generated key, the same
 * on every attempt of a call (e.g. {@code Idempotency-Key}); none when {@code null}
 * @param budget retry budget
 * @param instant whether retries happen at once, for tests: no backoff, no wait for
 * {@code Retry-After}, and a host pause that is over at once, while the decisions (what
 * is retried, how often, when the host would be paused) stay the same
 */
public record RetrySettings(@Nullable Integer maxRetries, @Nullable Duration initialDelay, @Nullable Double multiplier,
		@Nullable Duration maxDelay, @Nullable Double jitter, @Nullable Set<Integer> statuses,
		@Nullable Duration maxRetryAfter, @Nullable Boolean nonIdempotent, @Nullable String idempotencyKeyHeader,
		RetryBudgetSettings budget, @Nullable Boolean instant) {

	/**
	 * Settings that inherit everything.
	 */
	public static final RetrySettings INHERIT = new RetrySettings(null, null, null, null, null, null, null, null, null,
			RetryBudgetSettings.INHERIT, null);

	/**
	 * Built-in defaults: 2 retries, backoff 500ms doubling up to 8s with 50% jitter,
	 * statuses 408, 429, 500, 502, 503, 504 and 529, {@code Retry-After} honoured up to
	 * 60s, POST/PATCH retried only when they never reached the server, no idempotency
	 * key, the default {@link RetryBudgetSettings budget}, and real waits (not
	 * {@code instant}).
	 */
	public static final RetrySettings DEFAULTS = builder().maxRetries(2)
		.initialDelay(Duration.ofMillis(500))
		.multiplier(2.0)
		.maxDelay(Duration.ofSeconds(8))
		.jitter(0.5)
		.statuses(Set.of(408, 429, 500, 502, 503, 504, 529))
		.maxRetryAfter(Duration.ofSeconds(60))
		.nonIdempotent(false)
		.budget(RetryBudgetSettings.DEFAULTS)
		.instant(false)
		.build();

	public RetrySettings {
		if (maxRetries != null && maxRetries < 0) {
			throw new InvalidSettingException("retry.max-retries", maxRetries, "must not be negative");
		}
		SettingChecks.positive("retry.initial-delay", initialDelay);
		SettingChecks.positive("retry.max-delay", maxDelay);
		SettingChecks.positive("retry.max-retry-after", maxRetryAfter);
		if (multiplier != null && !(multiplier >= 1.0)) {
			throw new InvalidSettingException("retry.multiplier", multiplier, "must be at least 1");
		}
		if (jitter != null && !(jitter >= 0.0 && jitter <= 1.0)) {
			throw new InvalidSettingException("retry.jitter", jitter, "must be between 0 and 1");
		}
		if (statuses != null) {
			for (Integer status : statuses) {
				if (status == null || status < 100 || status > 599) {
					throw new InvalidSettingException("retry.statuses", status, "must be HTTP statuses (100-599)");
				}
			}
			statuses = Set.copyOf(new TreeSet<>(statuses));
		}
		if (idempotencyKeyHeader != null && idempotencyKeyHeader.isBlank()) {
			throw new InvalidSettingException("retry.idempotency-key-header", idempotencyKeyHeader,
					"must not be blank");
		}
	}

	/**
	 * Return settings where every {@code null} component is taken from {@code other}.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public RetrySettings orElse(RetrySettings other) {
		return new RetrySettings(SettingChecks.pick(this.maxRetries, other.maxRetries),
				SettingChecks.pick(this.initialDelay, other.initialDelay),
				SettingChecks.pick(this.multiplier, other.multiplier),
				SettingChecks.pick(this.maxDelay, other.maxDelay), SettingChecks.pick(this.jitter, other.jitter),
				SettingChecks.pick(this.statuses, other.statuses),
				SettingChecks.pick(this.maxRetryAfter, other.maxRetryAfter),
				SettingChecks.pick(this.nonIdempotent, other.nonIdempotent),
				SettingChecks.pick(this.idempotencyKeyHeader, other.idempotencyKeyHeader),
				this.budget.orElse(other.budget), SettingChecks.pick(this.instant, other.instant));
	}

	public RetrySettings withMaxRetries(@Nullable Integer maxRetries) {
		return toBuilder().maxRetries(maxRetries).build();
	}

	public RetrySettings withBackoff(@Nullable Duration initialDelay, @Nullable Double multiplier,
			@Nullable Duration maxDelay, @Nullable Double jitter) {
		return toBuilder().initialDelay(initialDelay).multiplier(multiplier).maxDelay(maxDelay).jitter(jitter).build();
	}

	public RetrySettings withStatuses(@Nullable Set<Integer> statuses) {
		return toBuilder().statuses(statuses).build();
	}

	public RetrySettings withMaxRetryAfter(@Nullable Duration maxRetryAfter) {
		return toBuilder().maxRetryAfter(maxRetryAfter).build();
	}

	public RetrySettings withNonIdempotent(@Nullable Boolean nonIdempotent) {
		return toBuilder().nonIdempotent(nonIdempotent).build();
	}

	public RetrySettings withIdempotencyKeyHeader(@Nullable String idempotencyKeyHeader) {
		return toBuilder().idempotencyKeyHeader(idempotencyKeyHeader).build();
	}

	public RetrySettings withBudget(RetryBudgetSettings budget) {
		return toBuilder().budget(budget).build();
	}

	public RetrySettings withInstant(@Nullable Boolean instant) {
		return toBuilder().instant(instant).build();
	}

	public void checkConsistent() {
		if (this.initialDelay != null && this.maxDelay != null && this.maxDelay.compareTo(this.initialDelay) < 0) {
			throw new InvalidSettingException("retry.max-delay", this.maxDelay,
					"must not be shorter than retry.initial-delay (" + this.initialDelay + ")");
		}
	}

	/**
	 * Retry budget: retries in flight may be at most {@code ratio} of the requests in
	 * flight, but always at least {@code minConcurrency}. It stops a struggling upstream
	 * from being hit by a retry storm.
	 *
	 * @param ratio fraction of the requests in flight that may be retries, in (0, 1]
	 * @param minConcurrency retries that are always allowed at the same time
	 */
	public record RetryBudgetSettings(@Nullable Double ratio, @Nullable Integer minConcurrency) {

		/**
		 * Built-in defaults: 20% of requests in flight, at least 3 retries.
		 */
		public static final RetryBudgetSettings DEFAULTS = new RetryBudgetSettings(0.2, 3);

		/**
		 * Settings that inherit everything.
		 */
		public static final RetryBudgetSettings INHERIT = new RetryBudgetSettings(null, null);

		public RetryBudgetSettings {
			if (ratio != null && !(ratio > 0.0 && ratio <= 1.0)) {
				throw new InvalidSettingException("retry.budget.ratio", ratio, "must be greater than 0 and at most 1");
			}
			if (minConcurrency != null && minConcurrency < 0) {
				throw new InvalidSettingException("retry.budget.min-concurrency", minConcurrency,
						"must not be negative");
			}
		}

		public RetryBudgetSettings orElse(RetryBudgetSettings other) {
			return new RetryBudgetSettings(SettingChecks.pick(this.ratio, other.ratio),
					SettingChecks.pick(this.minConcurrency, other.minConcurrency));
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
	 * Builds {@link RetrySettings} by name; each method sets the component of the same
	 * name.
	 */
	public static final class Builder {

		private @Nullable Integer maxRetries;

		private @Nullable Duration initialDelay;

		private @Nullable Double multiplier;

		private @Nullable Duration maxDelay;

		private @Nullable Double jitter;

		private @Nullable Set<Integer> statuses;

		private @Nullable Duration maxRetryAfter;

		private @Nullable Boolean nonIdempotent;

		private @Nullable String idempotencyKeyHeader;

		private RetryBudgetSettings budget;

		private @Nullable Boolean instant;

		private Builder(RetrySettings from) {
			this.maxRetries = from.maxRetries;
			this.initialDelay = from.initialDelay;
			this.multiplier = from.multiplier;
			this.maxDelay = from.maxDelay;
			this.jitter = from.jitter;
			this.statuses = from.statuses;
			this.maxRetryAfter = from.maxRetryAfter;
			this.nonIdempotent = from.nonIdempotent;
			this.idempotencyKeyHeader = from.idempotencyKeyHeader;
			this.budget = from.budget;
			this.instant = from.instant;
		}

		public Builder maxRetries(@Nullable Integer maxRetries) {
			this.maxRetries = maxRetries;
			return this;
		}

		public Builder initialDelay(@Nullable Duration initialDelay) {
			this.initialDelay = initialDelay;
			return this;
		}

		public Builder multiplier(@Nullable Double multiplier) {
			this.multiplier = multiplier;
			return this;
		}

		public Builder maxDelay(@Nullable Duration maxDelay) {
			this.maxDelay = maxDelay;
			return this;
		}

		public Builder jitter(@Nullable Double jitter) {
			this.jitter = jitter;
			return this;
		}

		public Builder statuses(@Nullable Set<Integer> statuses) {
			this.statuses = statuses;
			return this;
		}

		public Builder maxRetryAfter(@Nullable Duration maxRetryAfter) {
			this.maxRetryAfter = maxRetryAfter;
			return this;
		}

		public Builder nonIdempotent(@Nullable Boolean nonIdempotent) {
			this.nonIdempotent = nonIdempotent;
			return this;
		}

		public Builder idempotencyKeyHeader(@Nullable String idempotencyKeyHeader) {
			this.idempotencyKeyHeader = idempotencyKeyHeader;
			return this;
		}

		public Builder budget(RetryBudgetSettings budget) {
			this.budget = budget;
			return this;
		}

		public Builder instant(@Nullable Boolean instant) {
			this.instant = instant;
			return this;
		}

		public RetrySettings build() {
			return new RetrySettings(this.maxRetries, this.initialDelay, this.multiplier, this.maxDelay, this.jitter,
					this.statuses, this.maxRetryAfter, this.nonIdempotent, this.idempotencyKeyHeader, this.budget,
					this.instant);
		}

	}

}
