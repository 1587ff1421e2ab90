package io.httpsentinel.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Retry of failed attempts, with exponential backoff and jitter, honouring Retry-After.
 */
public class RetryProperties {

	/**
	 * Retries after the first attempt; 0 disables retrying.
	 */
	private @Nullable Integer maxRetries;

	/**
	 * Backoff before the first retry.
	 */
	private @Nullable Duration initialDelay;

	/**
	 * Factor applied to the backoff after each retry.
	 */
	private @Nullable Double multiplier;

	/**
	 * Longest backoff.
	 */
	private @Nullable Duration maxDelay;

	/**
	 * Fraction of each backoff that is randomized, between 0 and 1: a backoff d becomes a
	 * random delay between d * (1 - jitter) and d.
	 */
	private @Nullable Double jitter;

	/**
	 * Response statuses that are retried.
	 */
	private @Nullable Set<Integer> statuses;

	/**
	 * Longest Retry-After (or retry-after-ms) honoured by waiting. A longer one is not
	 * retried and pauses the client for every caller until then.
	 */
	private @Nullable Duration maxRetryAfter;

	/**
	 * Whether POST and PATCH requests are retried after they reached the server. Right
	 * for APIs that answer 429/503 before doing any work, like LLM APIs. Without it they
	 * are retried only when they provably never reached the server.
	 */
	private @Nullable Boolean nonIdempotent;

	/**
	 * Name of a header carrying one generated key, the same on every attempt of a call,
	 * e.g. 'Idempotency-Key'. A key already set on the request is kept.
	 */
	private @Nullable String idempotencyKeyHeader;

	/**
	 * Whether retries happen at once, for tests: no backoff, no wait for Retry-After, and
	 * a host pause that is over at once. What is retried, and how often, stays the same.
	 */
	private @Nullable Boolean instant;

	private final Budget budget = new Budget();

	public @Nullable Integer getMaxRetries() {
		return this.maxRetries;
	}

	public void setMaxRetries(@Nullable Integer maxRetries) {
		this.maxRetries = maxRetries;
	}

	public @Nullable Duration getInitialDelay() {
		return this.initialDelay;
	}

	public void setInitialDelay(@Nullable Duration initialDelay) {
		this.initialDelay = initialDelay;
	}

	public @Nullable Double getMultiplier() {
		return this.multiplier;
	}

	public void setMultiplier(@Nullable Double multiplier) {
		this.multiplier = multiplier;
	}

	public @Nullable Duration getMaxDelay() {
		return this.maxDelay;
	}

	public void setMaxDelay(@Nullable Duration maxDelay) {
		this.maxDelay = maxDelay;
	}

	public @Nullable Double getJitter() {
		return this.jitter;
	}

	public void setJitter(@Nullable Double jitter) {
		this.jitter = jitter;
	}

	public @Nullable Set<Integer> getStatuses() {
		return this.statuses;
	}

	public void setStatuses(@Nullable Set<Integer> statuses) {
		this.statuses = (statuses != null) ? new LinkedHashSet<>(statuses) : null;
	}

	public @Nullable Duration getMaxRetryAfter() {
		return this.maxRetryAfter;
	}

	public void setMaxRetryAfter(@Nullable Duration maxRetryAfter) {
		this.maxRetryAfter = maxRetryAfter;
	}

	public @Nullable Boolean getNonIdempotent() {
		return this.nonIdempotent;
	}

	public void setNonIdempotent(@Nullable Boolean nonIdempotent) {
		this.nonIdempotent = nonIdempotent;
	}

	public @Nullable String getIdempotencyKeyHeader() {
		return this.idempotencyKeyHeader;
	}

	public void setIdempotencyKeyHeader(@Nullable String idempotencyKeyHeader) {
		this.idempotencyKeyHeader = idempotencyKeyHeader;
	}

	public @Nullable Boolean getInstant() {
		return this.instant;
	}

	public void setInstant(@Nullable Boolean instant) {
		this.instant = instant;
	}

	public Budget getBudget() {
		return this.budget;
	}

	/**
	 * Retry budget: retries in flight may be at most 'ratio' of the requests in flight,
	 * but always at least 'min-concurrency'.
	 */
	public static class Budget {

		/**
		 * Fraction of the requests in flight that may be retries, greater than 0 and at
		 * most 1.
		 */
		private @Nullable Double ratio;

		/**
		 * Retries that are always allowed at the same time.
		 */
		private @Nullable Integer minConcurrency;

		public @Nullable Double getRatio() {
			return this.ratio;
		}

		public void setRatio(@Nullable Double ratio) {
			this.ratio = ratio;
		}

		public @Nullable Integer getMinConcurrency() {
			return this.minConcurrency;
		}

		public void setMinConcurrency(@Nullable Integer minConcurrency) {
			this.minConcurrency = minConcurrency;
		}

	}

}
