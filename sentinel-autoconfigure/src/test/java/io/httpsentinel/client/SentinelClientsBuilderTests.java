package io.httpsentinel.client;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.resilience.AttemptEvent;
import io.httpsentinel.resilience.RetrySettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SentinelClients#builder()}: real clients for a unit test, without
 * Spring.
 */
class SentinelClientsBuilderTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final MockWebServer server = new MockWebServer();

	@BeforeEach
	void start() throws IOException {
		this.server.start(InetAddress.getLoopbackAddress(), 0);
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void buildsNamedClientsThatCallTheirBaseUrl() {
		this.server.enqueue(new MockResponse.Builder().body("sunny").build());
		this.server.enqueue(new MockResponse.Builder().body("paid").build());
		try (SentinelClients clients = SentinelClients.builder()
			.client("weather", baseUrl())
			.client("pay",
					ClientSettings.builder().baseUrl(ClientSettings.parseBaseUrl(baseUrl())).http2(false).build())
			.build()) {
			assertThat(clients.names()).containsExactly("weather", "pay");
			assertThat(clients.get("weather")
				.webClient()
				.get()
				.uri("/today")
				.retrieve()
				.bodyToMono(String.class)
				.block(TIMEOUT)).isEqualTo("sunny");
			assertThat(clients.get("pay").restClient().get().uri("/charge").retrieve().body(String.class))
				.isEqualTo("paid");
			assertThat(clients.get("pay").settings().timeouts()).isEqualTo(ClientSettings.DEFAULTS.timeouts());
		}
	}

	@Test
	void defaultsWithInstantRetriesRetryWithoutWaiting() {
		this.server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "30").build());
		this.server.enqueue(new MockResponse.Builder().code(500).build());
		this.server.enqueue(new MockResponse.Builder().body("done").build());
		List<AttemptEvent> attempts = new CopyOnWriteArrayList<>();
		try (SentinelClients clients = SentinelClients.builder()
			.defaults(ClientSettings.builder().retry(RetrySettings.builder().instant(true).build()).build())
			.retryListener(attempts::add)
			.client("llm", baseUrl())
			.build()) {
			long start = System.nanoTime();
			assertThat(clients.get("llm").restClient().get().uri("/").retrieve().body(String.class)).isEqualTo("done");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			assertThat(attempts).extracting((event) -> event.decision().reason())
				.containsExactly("retry-after", "status-500", "success");
		}
	}

	@Test
	void duplicateNameIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SentinelClients.builder().client("weather", baseUrl()).client("weather", baseUrl()))
			.withMessageContaining("'weather'");
	}

	@Test
	void clientWithoutBaseUrlFailsTheBuild() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> SentinelClients.builder().client("weather", ClientSettings.INHERIT).build())
			.withMessageContaining("base-url");
	}

	private String baseUrl() {
		return "http://127.0.0.1:" + this.server.getPort();
	}

}
