package io.httpsentinel.autoconfigure;

import java.net.URI;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where a Sentinel client connects, supplied by something other than properties: a
 * Testcontainers container annotated
 * {@code @ServiceConnection(name = "<client>", type = SentinelClientConnectionDetails.class)}
 * (see the {@code sentinel-test} module), or a bean of this type. As with Spring Boot's
 * own connection details, its base URL wins over
 * {@code sentinel.clients.<name>.base-url}; every other setting of the client still comes
 * from properties. Details naming no configured client are ignored (the same container
 * may serve another kind of connection), with an info log line naming the configured
 * clients.
 */
public interface SentinelClientConnectionDetails extends ConnectionDetails {

	/**
	 * The name of the client these details are for, as under {@code sentinel.clients}.
	 * @return the client name
	 */
	String getClientName();

	/**
	 * The base URL of the client, e.g. {@code http://localhost:32768}.
	 * @return the base URL
	 */
	URI getBaseUrl();

}
