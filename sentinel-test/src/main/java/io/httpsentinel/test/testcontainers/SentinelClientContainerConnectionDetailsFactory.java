package io.httpsentinel.test.testcontainers;

import java.net.URI;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.Container;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.context.ApplicationContext;

import io.httpsentinel.autoconfigure.ClientProperties;
import io.httpsentinel.autoconfigure.SentinelClientConnectionDetails;

/**
 * Makes a container annotated
 * {@code @ServiceConnection(name = "<client>", type = SentinelClientConnectionDetails.class)}
 * the upstream of the Sentinel client of that name: its base URL becomes
 * {@code http://<container host>:<first mapped port>}, over
 * {@code sentinel.clients.<client>.base-url}. Containers of any image qualify (a WireMock
 * or mock-LLM {@code GenericContainer}), but only when their {@code @ServiceConnection}
 * asks for this type: Spring Boot registers one connection details bean of a type per
 * application context, so a factory taking every container would let the first
 * {@code @ServiceConnection} of a test (a database, say) take the place of the one meant
 * for Sentinel. That also means one Sentinel container per test context; point further
 * clients at containers with {@code @DynamicPropertySource}. When the connection name
 * names no client under {@code sentinel.clients}, the details are ignored with an info
 * log line naming the configured clients. Registered in
 * {@code META-INF/spring.factories}, as Spring Boot registers its own.
 */
class SentinelClientContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<Container<?>, SentinelClientConnectionDetails> {

	SentinelClientContainerConnectionDetailsFactory() {
		super(ANY_CONNECTION_NAME, "io.httpsentinel.autoconfigure.SentinelClientConnectionDetails");
	}

	@Override
	protected boolean sourceAccepts(ContainerConnectionSource<Container<?>> source, Class<?> requiredContainerType,
			Class<?> requiredConnectionDetailsType) {
		// A source restricted to Sentinel's type does not accept connection details in
		// general; an unrestricted one accepts any, and is left to the other factories.
		return super.sourceAccepts(source, requiredContainerType, requiredConnectionDetailsType)
				&& !source.accepts(ANY_CONNECTION_NAME, requiredContainerType, ConnectionDetails.class);
	}

	@Override
	protected SentinelClientConnectionDetails getContainerConnectionDetails(
			ContainerConnectionSource<Container<?>> source) {
		return new ContainerSentinelClientConnectionDetails(source);
	}

	/**
	 * The details of one container: the client it serves is the configured client whose
	 * name is the connection name of the {@code @ServiceConnection}.
	 */
	static final class ContainerSentinelClientConnectionDetails extends ContainerConnectionDetails<Container<?>>
			implements SentinelClientConnectionDetails {

		private final ContainerConnectionSource<Container<?>> source;

		private Set<String> configuredClients = Set.of();

		ContainerSentinelClientConnectionDetails(ContainerConnectionSource<Container<?>> source) {
			super(source);
			this.source = source;
		}

		@Override
		public void setApplicationContext(ApplicationContext applicationContext) {
			super.setApplicationContext(applicationContext);
			this.configuredClients = configuredClients(Binder.get(applicationContext.getEnvironment()));
		}

		static Set<String> configuredClients(Binder binder) {
			return binder.bind("sentinel.clients", Bindable.mapOf(String.class, ClientProperties.class))
				.map(Map::keySet)
				.orElse(Set.of());
		}

		@Override
		public String getClientName() {
			// The connection name is not public: ask the source whether it is one of
			// ours.
			String name = clientName(this.source, this.configuredClients);
			return (name != null) ? name : this.source.toString();
		}

		static @Nullable String clientName(ContainerConnectionSource<?> source, Set<String> configuredClients) {
			for (String client : configuredClients) {
				if (source.accepts(client, Container.class, SentinelClientConnectionDetails.class)) {
					return client;
				}
			}
			return null;
		}

		@Override
		public URI getBaseUrl() {
			Container<?> container = getContainer();
			return URI.create("http://" + container.getHost() + ":" + container.getFirstMappedPort());
		}

	}

}
