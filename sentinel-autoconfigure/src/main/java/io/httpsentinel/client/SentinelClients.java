package io.httpsentinel.client;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.resilience.ResilienceSupport;
import io.httpsentinel.resilience.RetryListener;

/**
 * The configured clients, by name. Inject it and look a client up once, typically in a
 * constructor: {@code clients.get("anthropic")}.
 */
public final class SentinelClients implements Iterable<SentinelClient>, AutoCloseable {

	private static final Log logger = LogFactory.getLog(SentinelClients.class);

	private final Map<String, SentinelClient> clients;

	/**
	 * Create a registry of clients built elsewhere; it closes them on {@link #close()}.
	 * @param clients the clients, with distinct names
	 */
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
	 * Start building real clients without Spring, e.g. for a unit test of an object that
	 * takes {@code SentinelClients}:
	 * {@code SentinelClients.builder().client("llm", "http://127.0.0.1:" + port).build()}.
	 * Close what it builds (try-with-resources) to release the clients' pools.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
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

	/**
	 * Builds {@link SentinelClients} of real clients without an application context: each
	 * client with its own pool and resilience pipeline (a private circuit breaker
	 * factory, the system clock), from a plain {@code WebClient.Builder} and
	 * {@code RestClient.Builder}. Settings a client leaves unset come from
	 * {@link #defaults(ClientSettings)}, then from the built-in defaults, as
	 * {@code sentinel.defaults} does for configured clients.
	 */
	public static final class Builder {

		private final Map<String, ClientSettings> clients = new LinkedHashMap<>();

		private final List<SentinelClientCustomizer> customizers = new ArrayList<>();

		private final List<RetryListener> retryListeners = new ArrayList<>();

		private ClientSettings defaults = ClientSettings.INHERIT;

		private Builder() {
		}

		/**
		 * Add a client with the given base URL and otherwise default settings.
		 * @param name the client name
		 * @param baseUrl its base URL, e.g. {@code "http://127.0.0.1:" + port}
		 * @return this builder
		 * @throws InvalidSettingException when the base URL is not valid
		 */
		public Builder client(String name, String baseUrl) {
			return client(name, ClientSettings.builder().baseUrl(ClientSettings.parseBaseUrl(baseUrl)).build());
		}

		/**
		 * Add a client with the given settings.
		 * @param name the client name
		 * @param settings its settings, which must include a base URL unless the defaults
		 * have one
		 * @return this builder
		 */
		public Builder client(String name, ClientSettings settings) {
			if (this.clients.putIfAbsent(name, settings) != null) {
				throw new IllegalArgumentException("Duplicate Sentinel client name '" + name + "'");
			}
			return this;
		}

		/**
		 * Settings every client inherits where it sets nothing, like
		 * {@code sentinel.defaults}; e.g. instant retries for a test:
		 * {@code ClientSettings.builder().retry(RetrySettings.builder().instant(true).build()).build()}.
		 * @param defaults the settings to inherit
		 * @return this builder
		 */
		public Builder defaults(ClientSettings defaults) {
			this.defaults = defaults;
			return this;
		}

		/**
		 * Add a customizer applied to every client, in the order added.
		 * @param customizer the customizer
		 * @return this builder
		 */
		public Builder customizer(SentinelClientCustomizer customizer) {
			this.customizers.add(customizer);
			return this;
		}

		/**
		 * Add a listener told about every attempt of every client (e.g. to assert how
		 * often a call was retried).
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder retryListener(RetryListener listener) {
			this.retryListeners.add(listener);
			return this;
		}

		/**
		 * Build the clients. When one cannot be built, the ones built so far are closed.
		 * @return the clients, in the order added; close them to release their pools
		 * @throws InvalidSettingException when a client's settings are not valid
		 */
		public SentinelClients build() {
			SentinelClientFactory factory = new SentinelClientFactory(WebClient::builder, RestClient::builder, null,
					this.customizers,
					ResilienceSupport.standalone(Clock.systemUTC(), Schedulers::parallel, this.retryListeners));
			List<SentinelClient> built = new ArrayList<>(this.clients.size());
			try {
				this.clients
					.forEach((name, settings) -> built.add(factory.create(name, settings.orElse(this.defaults))));
			}
			catch (RuntimeException ex) {
				new SentinelClients(built).close();
				throw ex;
			}
			return new SentinelClients(built);
		}

	}

}
