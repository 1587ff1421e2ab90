package io.httpsentinel.test.testcontainers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

import io.httpsentinel.autoconfigure.SentinelClientConnectionDetails;
import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wiring of {@code @ServiceConnection(name = "<client>")} without Docker: Spring
 * Boot's own service-connection support finds the annotated fields, asks the factories of
 * {@code META-INF/spring.factories} (here
 * {@link SentinelClientContainerConnectionDetailsFactory}) for connection details, and
 * Sentinel's auto-configuration applies them; the containers are {@link LoopbackContainer
 * stand-ins} for started ones.
 */
@SpringBootTest(properties = { "sentinel.clients.weather.base-url=https://weather.example.com",
		"sentinel.clients.weather.timeouts.connect=1s", "sentinel.clients.pay.base-url=https://pay.example.com" })
class ServiceConnectionWiringTests {

	private static final MockWebServer upstream = startUpstream();

	@ServiceConnection(name = "weather", type = SentinelClientConnectionDetails.class)
	static final LoopbackContainer weather = new LoopbackContainer("wiremock/wiremock:3.13.2", upstream.getPort());

	@Autowired
	private SentinelClients clients;

	@Autowired
	private SentinelClientConnectionDetails[] connectionDetails;

	@AfterAll
	static void stopUpstream() {
		upstream.close();
	}

	@Test
	void theNamedContainerIsTheBaseUrlOfTheClientOfThatName() {
		assertThat(this.clients.get("weather").settings().baseUrl())
			.isEqualTo(URI.create("http://127.0.0.1:" + upstream.getPort()));
		assertThat(this.clients.get("weather").settings().timeouts().connect()).hasSeconds(1);
		upstream.enqueue(new MockResponse.Builder().body("sunny").build());
		assertThat(this.clients.get("weather").restClient().get().uri("/today").retrieve().body(String.class))
			.isEqualTo("sunny");
	}

	@Test
	void otherClientsKeepTheirConfiguredBaseUrl() {
		assertThat(this.clients.get("pay").settings().baseUrl()).isEqualTo(URI.create("https://pay.example.com"));
	}

	@Test
	void theContainerGivesTheOneSentinelConnectionDetailsBean() {
		assertThat(this.connectionDetails).singleElement()
			.satisfies((details) -> assertThat(details.getClientName()).isEqualTo("weather"));
	}

	private static MockWebServer startUpstream() {
		MockWebServer server = new MockWebServer();
		try {
			server.start(InetAddress.getLoopbackAddress(), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return server;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
