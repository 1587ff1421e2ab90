package io.httpsentinel.autoconfigure;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * Where Sentinel's Redis connection goes, and with which TLS material.
 *
 * @param uri the Redis URI
 * @param ssl TLS options from an SSL bundle, or {@code null} for the JDK's defaults
 */
record RedisEndpoint(RedisURI uri, @Nullable SslOptions ssl) {

	/**
	 * The application's Redis as Spring Boot resolved it: standalone or Sentinel-managed,
	 * with its credentials, database and SSL bundle.
	 * @param details Spring Boot's connection details
	 * @return the endpoint
	 */
	static RedisEndpoint of(DataRedisConnectionDetails details) {
		SslBundle bundle = details.getSslBundle();
		RedisURI.Builder uri;
		if (details.getSentinel() != null) {
			DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
			uri = RedisURI.builder().withSentinelMasterId(sentinel.getMaster()).withDatabase(sentinel.getDatabase());
			sentinel.getNodes().forEach((node) -> uri.withSentinel(node.host(), node.port()));
		}
		else if (details.getCluster() != null || details.getMasterReplica() != null) {
			throw new InvalidConfigurationPropertyValueException("sentinel.redis.url", null,
					"must name one Redis node: a Redis Cluster or master/replica setup of spring.data.redis "
							+ "is not supported for Sentinel's shared rate limits");
		}
		else {
			DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
			uri = RedisURI.builder()
				.withHost(standalone.getHost())
				.withPort(standalone.getPort())
				.withDatabase(standalone.getDatabase());
		}
		if (details.getPassword() != null) {
			uri.withAuthentication((details.getUsername() != null) ? details.getUsername() : "default",
					details.getPassword());
		}
		SslOptions ssl = null;
		if (bundle != null) {
			uri.withSsl(true);
			ssl = SslOptions.builder()
				.jdkSslProvider()
				.keyManager(bundle.getManagers().getKeyManagerFactory())
				.trustManager(bundle.getManagers().getTrustManagerFactory())
				.build();
		}
		return new RedisEndpoint(uri.build(), ssl);
	}

}
