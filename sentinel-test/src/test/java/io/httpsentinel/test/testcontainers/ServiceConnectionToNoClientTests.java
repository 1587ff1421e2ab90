package io.httpsentinel.test.testcontainers;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

import io.httpsentinel.autoconfigure.SentinelClientConnectionDetails;
import io.httpsentinel.client.SentinelClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Sentinel {@code @ServiceConnection} whose name is no configured client (a typo, say):
 * ignored, and the log line says which clients there are. Without Docker, through a
 * {@link LoopbackContainer}.
 */
@SpringBootTest(properties = "sentinel.clients.weather.base-url=https://weather.example.com")
@ExtendWith(OutputCaptureExtension.class)
class ServiceConnectionToNoClientTests {

	@ServiceConnection(name = "wether", type = SentinelClientConnectionDetails.class)
	static final LoopbackContainer weather = new LoopbackContainer("wiremock/wiremock:3.13.2", 1);

	@Autowired
	private SentinelClients clients;

	@Test
	void theClientsKeepTheirConfigurationAndTheLogNamesThem(CapturedOutput output) {
		assertThat(this.clients.get("weather").settings().baseUrl())
			.isEqualTo(URI.create("https://weather.example.com"));
		assertThat(output).contains("Ignoring Sentinel connection details for '@ServiceConnection source for")
			.contains("no client of that name under sentinel.clients (configured: [weather])");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
