package io.httpsentinel.actuate;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

import io.httpsentinel.client.ClientMetricsSnapshot;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.health.ClientState;

/**
 * One client as the {@code sentinel} endpoint shows it.
 *
 * @param settings the resolved settings, under their property names, secrets redacted
 * (see {@link SettingsDescriptor})
 * @param state the live state: pool, circuit breaker, host pause
 * @param metrics the client's metrics snapshot: totals, recent latency, pool, breaker,
 * rate limiter (see {@link SentinelClient#metrics()})
 */
public record ClientDescriptor(Map<String, Object> settings, ClientState state,
		ClientMetricsSnapshot metrics) implements OperationResponseBody {

	/**
	 * Describe a client as it is now. Everything the endpoint shows of a client is
	 * gathered here.
	 * @param client the client
	 * @return its description
	 */
	public static ClientDescriptor of(SentinelClient client) {
		return new ClientDescriptor(SettingsDescriptor.describe(client.settings()), ClientState.of(client),
				client.metrics());
	}

}
