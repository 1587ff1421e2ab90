package io.httpsentinel.client;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The configured clients, by name. Inject it and look a client up once, typically in a
 * constructor: {@code clients.get("anthropic")}.
 */
public final class SentinelClients implements Iterable<SentinelClient>, AutoCloseable {

	private static final Log logger = LogFactory.getLog(SentinelClients.class);

	private final Map<String, SentinelClient> clients;

	public SentinelClients(Collection<SentinelClient> clients) {
		Map<String, SentinelClient> byName = new LinkedHashMap<>();
		for (SentinelClient client : clients) {
			if (byName.putIfAbsent(client.name(), client) != null) {
				throw new IllegalArgumentException("Duplicate Sentinel client name '" + client.name() + "'");
			}
		}
		this.clients = Collections.unmodifiableMap(byName);
	}

	/**
	 * Return the client of that name.
	 * @param name the client name
	 * @return the client
	 * @throws UnknownClientException when no client has that name; its message lists the
	 * configured names
	 */
	public SentinelClient get(String name) {
		SentinelClient client = this.clients.get(name);
		if (client == null) {
			throw new UnknownClientException(name, this.clients.keySet());
		}
		return client;
	}

	/**
	 * Return the client of that name, if configured.
	 * @param name the client name
	 * @return the client, or empty
	 */
	public Optional<SentinelClient> find(String name) {
		return Optional.ofNullable(this.clients.get(name));
	}

	/**
	 * Names of the configured clients, in configuration order.
	 * @return the names
	 */
	public Set<String> names() {
		return this.clients.keySet();
	}

	/**
	 * A metrics snapshot of every client, by name, in configuration order.
	 * @return the snapshots
	 * @see SentinelClient#metrics()
	 */
	public Map<String, ClientMetricsSnapshot> metrics() {
		Map<String, ClientMetricsSnapshot> metrics = new LinkedHashMap<>();
		this.clients.forEach((name, client) -> metrics.put(name, client.metrics()));
		return Collections.unmodifiableMap(metrics);
	}

	@Override
	public Iterator<SentinelClient> iterator() {
		return this.clients.values().iterator();
	}

	/**
	 * Close every client's pool. A failure is logged and does not stop the others from
	 * closing.
	 */
	@Override
	public void close() {
		for (SentinelClient client : this.clients.values()) {
			try {
				client.close();
			}
			catch (RuntimeException ex) {
				logger.warn("Failed to close Sentinel client '" + client.name() + "'", ex);
			}
		}
	}

}
