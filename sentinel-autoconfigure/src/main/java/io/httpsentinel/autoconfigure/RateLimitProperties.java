package io.httpsentinel.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.resilience.RateLimitStore;
import io.httpsentinel.resilience.RedisFailureMode;

/**
 * Client-side rate limit: a token bucket spent by every attempt, retries included, kept
 * in this process or shared by every replica through Redis; and adaptive pacing from the
 * provider's rate-limit headers. No limit unless a rate is set.
 */
public class RateLimitProperties {

	/**
	 * Sustained rate in requests per second. Set this or 'requests-per-minute'.
	 */
	private @Nullable Integer requestsPerSecond;

	/**
	 * Sustained rate in requests per minute, as most LLM providers publish it.
	 */
	private @Nullable Integer requestsPerMinute;

	/**
	 * Requests that may go out at once when the bucket is full. Defaults to the rate's
	 * own number.
	 */
	private @Nullable Integer burst;

	/**
	 * Longest a request waits for a token before failing with RateLimitExceededException;
	 * also bounded by the time left of the call.
	 */
	private @Nullable Duration maxWait;

	/**
	 * Where the tokens are kept: 'local' (each replica has the whole limit) or 'redis'
	 * (the limit is for all replicas together, and a long host pause reaches them all).
	 */
	private @Nullable RateLimitStore store;

	/**
	 * Whether to pace requests from the provider's rate-limit headers: once the remaining
	 * quota runs low, spread it over the time left to its reset instead of meeting a 429.
	 */
	private @Nullable Boolean adaptive;

	/**
	 * Fraction of the limit (0 to 1] at or below which adaptive pacing starts.
	 */
	private @Nullable Double adaptiveThreshold;

	/**
	 * Names of the rate-limit headers adaptive pacing reads.
	 */
	private final Headers headers = new Headers();

	/**
	 * Sharing through Redis, with 'store: redis'.
	 */
	private final Redis redis = new Redis();

	public @Nullable Integer getRequestsPerSecond() {
		return this.requestsPerSecond;
	}

	public void setRequestsPerSecond(@Nullable Integer requestsPerSecond) {
		this.requestsPerSecond = requestsPerSecond;
	}

	public @Nullable Integer getRequestsPerMinute() {
		return this.requestsPerMinute;
	}

	public void setRequestsPerMinute(@Nullable Integer requestsPerMinute) {
		this.requestsPerMinute = requestsPerMinute;
	}

	public @Nullable Integer getBurst() {
		return this.burst;
	}

	public void setBurst(@Nullable Integer burst) {
		this.burst = burst;
	}

	public @Nullable Duration getMaxWait() {
		return this.maxWait;
	}

	public void setMaxWait(@Nullable Duration maxWait) {
		this.maxWait = maxWait;
	}

	public @Nullable RateLimitStore getStore() {
		return this.store;
	}

	public void setStore(@Nullable RateLimitStore store) {
		this.store = store;
	}

	public @Nullable Boolean getAdaptive() {
		return this.adaptive;
	}

	public void setAdaptive(@Nullable Boolean adaptive) {
		this.adaptive = adaptive;
	}

	public @Nullable Double getAdaptiveThreshold() {
		return this.adaptiveThreshold;
	}

	public void setAdaptiveThreshold(@Nullable Double adaptiveThreshold) {
		this.adaptiveThreshold = adaptiveThreshold;
	}

	public Headers getHeaders() {
		return this.headers;
	}

	public Redis getRedis() {
		return this.redis;
	}

	/**
	 * Names of the rate-limit headers adaptive pacing reads, the first present wins.
	 */
	public static class Headers {

		/**
		 * Headers holding the requests remaining in the window.
		 */
		private @Nullable List<String> remaining;

		/**
		 * Headers holding when the window resets: seconds, an epoch timestamp, a duration
		 * such as '6m0s', or an RFC 3339 date.
		 */
		private @Nullable List<String> reset;

		/**
		 * Headers holding the limit of the window.
		 */
		private @Nullable List<String> limit;

		public @Nullable List<String> getRemaining() {
			return this.remaining;
		}

		public void setRemaining(@Nullable List<String> remaining) {
			this.remaining = remaining;
		}

		public @Nullable List<String> getReset() {
			return this.reset;
		}

		public void setReset(@Nullable List<String> reset) {
			this.reset = reset;
		}

		public @Nullable List<String> getLimit() {
			return this.limit;
		}

		public void setLimit(@Nullable List<String> limit) {
			this.limit = limit;
		}

	}

	/**
	 * Sharing the limit through Redis.
	 */
	public static class Redis {

		/**
		 * Longest a request waits for Redis before 'on-failure' applies. Bounds every
		 * Redis call on the request path.
		 */
		private @Nullable Duration timeout;

		/**
		 * What to do while Redis cannot be reached: 'local' (this replica's share of the
		 * limit), 'allow' (no limit) or 'deny' (refuse every request).
		 */
		private @Nullable RedisFailureMode onFailure;

		/**
		 * Replicas sharing the quota, for the local fallback's share (the limit divided
		 * by it). Defaults to the number of replicas last seen in Redis.
		 */
		private @Nullable Integer replicas;

		/**
		 * Name of the quota in Redis: clients and replicas naming the same key share one
		 * limit. Defaults to the client's name.
		 */
		private @Nullable String key;

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

		public @Nullable RedisFailureMode getOnFailure() {
			return this.onFailure;
		}

		public void setOnFailure(@Nullable RedisFailureMode onFailure) {
			this.onFailure = onFailure;
		}

		public @Nullable Integer getReplicas() {
			return this.replicas;
		}

		public void setReplicas(@Nullable Integer replicas) {
			this.replicas = replicas;
		}

		public @Nullable String getKey() {
			return this.key;
		}

		public void setKey(@Nullable String key) {
			this.key = key;
		}

	}

}
