package io.httpsentinel.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * The Redis that clients with {@code rate-limit.store: redis} share their rate limit and
 * host pause through ({@code sentinel.redis.*}).
 */
public class SentinelRedisProperties {

	/**
	 * Redis URL of a connection of Sentinel's own, e.g. 'redis://localhost:6379' or
	 * 'rediss://user:secret@redis.example.com:6380/1'. When not set, Sentinel opens its
	 * connection with the application's Lettuce client (spring.data.redis.*).
	 */
	private @Nullable String url;

	/**
	 * Prefix of every key and channel Sentinel uses in Redis. Applications sharing one
	 * Redis but not their API quotas need different prefixes.
	 */
	private String keyPrefix = "sentinel:";

	public @Nullable String getUrl() {
		return this.url;
	}

	public void setUrl(@Nullable String url) {
		this.url = url;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

}
