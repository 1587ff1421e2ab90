package io.httpsentinel.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.client.ClientSettings;

/**
 * Applies {@link SentinelClientConnectionDetails} to the configured clients: the base URL
 * of the details replaces the configured one.
 */
final class ConnectionDetailsBaseUrls {

	private static final Log logger = LogFactory.getLog(ConnectionDetailsBaseUrls.class);

	private ConnectionDetailsBaseUrls() {
	}

	/**
	 * Return the configured settings with the base URL of each client that connection
	 * details name replaced by theirs.
	 * @param configured settings by client name, in configuration order
	 * @param details the connection details
	 * @return the settings, in the same order
	 */
	static Map<String, ClientSettings> apply(Map<String, ClientSettings> configured,
			List<SentinelClientConnectionDetails> details) {
		if (details.isEmpty()) {
			return configured;
		}
		Map<String, ClientSettings> applied = new LinkedHashMap<>(configured);
		for (SentinelClientConnectionDetails connection : details) {
			String name = connection.getClientName();
			ClientSettings settings = applied.get(name);
			if (settings == null) {
				// Not an error: a container can serve another kind of connection.
				logger.info("Ignoring Sentinel connection details for '" + name
						+ "': no client of that name under sentinel.clients (configured: " + configured.keySet() + ")");
				continue;
			}
			try {
				applied.put(name, settings.withBaseUrl(connection.getBaseUrl()));
			}
			catch (InvalidSettingException ex) {
				throw new IllegalStateException("Sentinel connection details " + connection + " for client '" + name
						+ "' give an invalid base URL: " + ex.getMessage(), ex);
			}
		}
		return applied;
	}

}
