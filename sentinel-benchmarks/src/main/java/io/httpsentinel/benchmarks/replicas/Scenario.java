package io.httpsentinel.benchmarks.replicas;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The configurations {@link ReplicasSimulation} compares, each the properties every
 * replica's client {@code api} gets (besides its base URL, {@code retry.max-retries: 0}
 * and {@code rate-limit.max-wait}, common to all).
 */
enum Scenario {

	/** No limit, no pacing: the baseline. */
	NONE("none", false),

	/** The quota configured on each replica, each with its own bucket: 4 × the quota. */
	LOCAL("local", false) {
		@Override
		void configure(Map<String, String> client, int limit) {
			client.put("rate-limit.requests-per-second", Integer.toString(limit));
			client.put("rate-limit.store", "local");
		}
	},

	/** The quota configured once for all replicas, in Redis. */
	REDIS("redis", true) {
		@Override
		void configure(Map<String, String> client, int limit) {
			client.put("rate-limit.requests-per-second", Integer.toString(limit));
			client.put("rate-limit.store", "redis");
		}
	},

	/**
	 * No configured limit: pacing from the provider's rate-limit headers, per replica.
	 */
	ADAPTIVE("adaptive", false) {
		@Override
		void configure(Map<String, String> client, int limit) {
			client.put("rate-limit.adaptive", "true");
		}
	},

	/**
	 * No configured limit: pacing from the provider's headers, its schedule shared in
	 * Redis.
	 */
	ADAPTIVE_REDIS("adaptive-redis", true) {
		@Override
		void configure(Map<String, String> client, int limit) {
			client.put("rate-limit.adaptive", "true");
			client.put("rate-limit.store", "redis");
		}
	};

	private final String label;

	private final boolean redis;

	Scenario(String label, boolean redis) {
		this.label = label;
		this.redis = redis;
	}

	String label() {
		return this.label;
	}

	boolean needsRedis() {
		return this.redis;
	}

	/**
	 * Put the scenario's own keys of the client.
	 * @param client the client's keys, relative to {@code sentinel.clients.api.}
	 * @param limit the limit to configure, in requests per second
	 */
	void configure(Map<String, String> client, int limit) {
	}

	/**
	 * @return every property of a replica's command line, {@code --name=value}
	 */
	Map<String, String> properties(String baseUrl, int limit, String maxWait, @Nullable String redisUrl) {
		Map<String, String> client = new LinkedHashMap<>();
		client.put("base-url", baseUrl);
		client.put("retry.max-retries", "0");
		client.put("rate-limit.max-wait", maxWait);
		configure(client, limit);
		Map<String, String> properties = new LinkedHashMap<>();
		client.forEach((key, value) -> properties.put("sentinel.clients.api." + key, value));
		if (this.redis && redisUrl != null) {
			properties.put("sentinel.redis.url", redisUrl);
		}
		return properties;
	}

	static Scenario of(String label) {
		for (Scenario scenario : values()) {
			if (scenario.label.equals(label)) {
				return scenario;
			}
		}
		throw new IllegalArgumentException("Unknown scenario '" + label + "'");
	}

}
