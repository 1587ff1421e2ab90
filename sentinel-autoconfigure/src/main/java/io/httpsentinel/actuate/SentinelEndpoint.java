package io.httpsentinel.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;

/**
 * The {@code sentinel} endpoint: {@code GET /actuator/sentinel} lists every client's
 * resolved settings (secrets redacted) and live state, {@code GET
 * /actuator/sentinel/{client}} one client (404 when there is no such client).
 * <p>
 * {@code POST /actuator/sentinel/{client}} resets the client's resilience state: closes
 * its circuit breaker (clearing its failure window) and lifts its host pause. Like every
 * write operation it changes how the application treats an upstream, so it is off by
 * default ({@link Access#READ_ONLY}); allow it with
 * {@code management.endpoint.sentinel.access=unrestricted}, and only behind
 * authentication.
 */
@Endpoint(id = "sentinel", defaultAccess = Access.READ_ONLY)
public class SentinelEndpoint {

	private final SentinelClients clients;

	/**
	 * Create the endpoint.
	 * @param clients the clients it shows
	 */
	public SentinelEndpoint(SentinelClients clients) {
		this.clients = clients;
	}

	/**
	 * Every client, in configuration order.
	 * @return the clients by name
	 */
	@ReadOperation
	public ClientsDescriptor clients() {
		Map<String, ClientDescriptor> descriptors = new LinkedHashMap<>();
		for (SentinelClient client : this.clients) {
			descriptors.put(client.name(), ClientDescriptor.of(client));
		}
		return new ClientsDescriptor(descriptors);
	}

	/**
	 * One client.
	 * @param client the client name
	 * @return the client, or {@code null} (404) when there is none of that name
	 */
	@ReadOperation
	public @Nullable ClientDescriptor client(@Selector String client) {
		return this.clients.find(client).map(ClientDescriptor::of).orElse(null);
	}

	/**
	 * Close a client's circuit breaker (clearing its failure window) and lift its host
	 * pause.
	 * @param client the client name
	 * @return the client after the reset
	 * @throws InvalidEndpointRequestException (400) when there is no client of that name
	 */
	@WriteOperation
	public ClientDescriptor reset(@Selector String client) {
		SentinelClient target = this.clients.find(client)
			.orElseThrow(() -> new InvalidEndpointRequestException("No Sentinel client named '" + client + "'",
					"No such Sentinel client"));
		target.circuitBreaker().reset();
		target.hostPause().resume();
		return ClientDescriptor.of(target);
	}

	/**
	 * Every client of the application.
	 *
	 * @param clients the clients by name, in configuration order
	 */
	public record ClientsDescriptor(Map<String, ClientDescriptor> clients) implements OperationResponseBody {

	}

}
