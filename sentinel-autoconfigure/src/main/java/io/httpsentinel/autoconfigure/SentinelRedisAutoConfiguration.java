package io.httpsentinel.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import io.lettuce.core.RedisURI;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.httpsentinel.redis.RedisClientStateStore;
import io.httpsentinel.redis.RedisConnection;
import io.httpsentinel.resilience.ClientStateStore;

/**
 * Auto-configuration of the Redis store of the clients with
 * {@code rate-limit.store: redis}: Sentinel's own Lettuce connection, to
 * {@code sentinel.redis.url} or else to the application's Redis
 * ({@code spring.data.redis.*}, Testcontainers and Docker Compose service connections
 * included). Applies when Lettuce and Bucket4j's Lettuce integration are on the class
 * path; without them a client asking for the Redis store fails startup (see
 * {@link SentinelAutoConfiguration}).
 */
@AutoConfiguration(before = SentinelAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(name = { "io.lettuce.core.RedisClient", "io.github.bucket4j.redis.lettuce.Bucket4jLettuce" })
@EnableConfigurationProperties(SentinelProperties.class)
public final class SentinelRedisAutoConfiguration {

	/**
	 * How long startup waits for the first connection; Redis down at startup does not
	 * fail it.
	 */
	private static final Duration CONNECT_AT_STARTUP = Duration.ofSeconds(2);

	@Bean
	@ConditionalOnMissingBean
	ClientStateStore sentinelClientStateStore(SentinelProperties properties,
			ObjectProvider<ApplicationRedis> applicationRedis) {
		String sharing = ClientSettingsMapper.firstSharingClient(ClientSettingsMapper.mapAll(properties));
		if (sharing == null) {
			return ClientStateStore.LOCAL;
		}
		RedisEndpoint endpoint = endpoint(properties.getRedis(), applicationRedis.getIfAvailable(), sharing);
		RedisConnection connection = new RedisConnection(endpoint.uri(), endpoint.ssl(),
				properties.getRedis().getKeyPrefix());
		connection.connect(CONNECT_AT_STARTUP);
		return new RedisClientStateStore(connection, Clock.systemUTC(), Schedulers.parallel());
	}

	private static RedisEndpoint endpoint(SentinelRedisProperties properties, @Nullable ApplicationRedis application,
			String sharingClient) {
		String url = properties.getUrl();
		if (url != null) {
			try {
				return new RedisEndpoint(RedisURI.create(url), null);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("sentinel.redis.url", url,
						"is not a Redis URL such as redis://localhost:6379: " + ex.getMessage());
			}
		}
		RedisEndpoint endpoint = (application != null) ? application.endpoint() : null;
		if (endpoint == null) {
			throw new InvalidConfigurationPropertyValueException(
					ClientSettingsMapper.clientPrefix(sharingClient) + ".rate-limit.store", "redis",
					"needs a Redis: set sentinel.redis.url, or spring.data.redis.* with "
							+ "spring-boot-starter-data-redis on the class path");
		}
		return endpoint;
	}

	/**
	 * The application's Redis, when Spring Boot's Redis support is on the class path.
	 */
	@FunctionalInterface
	interface ApplicationRedis {

		@Nullable RedisEndpoint endpoint();

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(DataRedisConnectionDetails.class)
	static class ApplicationRedisConfiguration {

		@Bean
		ApplicationRedis sentinelApplicationRedis(ObjectProvider<DataRedisConnectionDetails> connectionDetails) {
			return () -> {
				DataRedisConnectionDetails details = connectionDetails.getIfAvailable();
				return (details != null) ? RedisEndpoint.of(details) : null;
			};
		}

	}

}
