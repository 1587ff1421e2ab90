package io.httpsentinel.client;

import java.util.Set;

import io.httpsentinel.SentinelException;

/**
 * Thrown when a client is looked up by a name that is not configured.
 */
public class UnknownClientException extends SentinelException {

	private final Set<String> configuredNames;

	public UnknownClientException(String clientName, Set<String> configuredNames) {
		super(clientName,
				"no such client; configured clients: "
						+ (configuredNames.isEmpty() ? "none (add sentinel.clients.<name>.base-url)" : configuredNames),
				null);
		this.configuredNames = Set.copyOf(configuredNames);
	}

	/**
	 * Names of the clients that are configured.
	 * @return the configured names
	 */
	public Set<String> configuredNames() {
		return this.configuredNames;
	}

}
