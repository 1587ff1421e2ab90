package io.httpsentinel.resilience;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.pool.ReadIdleTimeoutException;
import io.httpsentinel.client.pool.TimeoutSettings;
import io.httpsentinel.testsupport.ClientKind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Responses that break after the request was sent, found by the reliability suite's
 * fault-injecting proxy: bytes that are not HTTP, and a body read whole that breaks off
 * (closed, or idle past {@code read-idle}) before the caller had any of it. Idempotent
 * calls are retried; POSTs are not.
 */
class BrokenResponseRetryTests {

	private final MockWebServer server = new MockWebServer();

	private final ResilientClients clients = new ResilientClients(Clock.systemUTC());

	@BeforeEach
	void start() throws IOException {
		this.server.start(InetAddress.getLoopbackAddress(), 0);
	}

	@AfterEach
	void stop() {
		this.clients.close();
		this.server.close();
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void getIsRetriedWhenBytesThatAreNotHttpCameBack(ClientKind kind) throws Exception {
		try (ServerSocket garbage = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			Thread answering = new Thread(() -> answerGarbageThenOk(garbage));
			answering.start();
			SentinelClient client = this.clients.create(URI.create("http://127.0.0.1:" + garbage.getLocalPort()),
					BrokenResponseRetryTests::fast);
			assertThat(kind.get(client, "/")).isEqualTo("done");
			assertThat(this.clients.reasons()).containsExactly("invalid-response", "success");
			answering.join(Duration.ofSeconds(10).toMillis());
		}
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void bytesThatAreNotHttpReachTheCallerAsATransportErrorOnceRetriesAreSpent(ClientKind kind) throws Exception {
		try (ServerSocket garbage = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			Thread answering = new Thread(() -> answerGarbage(garbage));
			answering.start();
			SentinelClient client = this.clients.create(URI.create("http://127.0.0.1:" + garbage.getLocalPort()),
					(settings) -> settings.withRetry(RetrySettings.INHERIT.withMaxRetries(0)));
			assertThat(catchThrowable(() -> kind.get(client, "/"))).isInstanceOf(kind.transportError())
				.hasMessageContaining("invalid version format");
			answering.join(Duration.ofSeconds(10).toMillis());
		}
	}

	@Test
	void getWithABodyReadWholeIsRetriedWhenTheBodyBreaksOff() {
		this.server.enqueue(new MockResponse.Builder().body("0123456789")
			.onResponseBody(new SocketEffect.CloseSocket(true, false, false))
			.build());
		this.server.enqueue(new MockResponse.Builder().body("done").build());
		String body = fastClient().webClient().get().uri("/").retrieve().bodyToMono(String.class).block(TIMEOUT);
		assertThat(body).isEqualTo("done");
		assertThat(this.server.getRequestCount()).isEqualTo(2);
		assertThat(this.clients.reasons()).containsExactly("success", "reset-during-body", "success");
	}

	@Test
	void entityOfTheRetryCarriesTheHeadersOfTheResponseItCameWith() {
		this.server.enqueue(new MockResponse.Builder().setHeader("x-attempt", "1")
			.body("0123456789")
			.onResponseBody(new SocketEffect.CloseSocket(true, false, false))
			.build());
		this.server.enqueue(new MockResponse.Builder().setHeader("x-attempt", "2").body("done").build());
		ResponseEntity<String> entity = fastClient().webClient()
			.get()
			.uri("/")
			.retrieve()
			.toEntity(String.class)
			.block(TIMEOUT);
		assertThat(entity.getBody()).isEqualTo("done");
		assertThat(entity.getHeaders().getFirst("x-attempt")).isEqualTo("2");
	}

	@Test
	void getWithABodyReadWholeIsRetriedWhenTheBodyGoesIdlePastReadIdle() {
		this.server.enqueue(new MockResponse.Builder().setHeader("content-type", "application/json")
			.body("{\"done\":false}")
			.onResponseBody(SocketEffect.Stall.INSTANCE)
			.build());
		this.server.enqueue(new MockResponse.Builder().setHeader("content-type", "application/json")
			.body("{\"done\":true}")
			.build());
		SentinelClient client = this.clients.create(url(), (settings) -> fast(settings)
			.withTimeouts(TimeoutSettings.INHERIT.withReadIdle(Duration.ofMillis(300))));
		Map<?, ?> body = client.webClient().get().uri("/").retrieve().bodyToMono(Map.class).block(TIMEOUT);
		assertThat(body).isEqualTo(Map.of("done", true));
		assertThat(this.clients.reasons()).containsExactly("success", "read-idle-timeout", "success");
	}

	@Test
	void retryOfABrokenBodyAnsweredWithAnotherStatusFailsWithThatStatus() {
		this.server.enqueue(new MockResponse.Builder().body("0123456789")
			.onResponseBody(new SocketEffect.CloseSocket(true, false, false))
			.build());
		this.server.enqueue(new MockResponse.Builder().code(404).body("gone").build());
		SentinelClient client = fastClient();
		assertThatExceptionOfType(WebClientResponseException.NotFound.class)
			.isThrownBy(() -> client.webClient().get().uri("/").retrieve().bodyToMono(String.class).block(TIMEOUT));
	}

	@Test
	void postIsNotRetriedWhenTheBodyBreaksOff() {
		this.server.enqueue(new MockResponse.Builder().body("0123456789")
			.onResponseBody(new SocketEffect.CloseSocket(true, false, false))
			.build());
		SentinelClient client = fastClient();
		assertThatExceptionOfType(WebClientResponseException.class).isThrownBy(() -> client.webClient()
			.post()
			.uri("/")
			.bodyValue("{}")
			.retrieve()
			.bodyToMono(String.class)
			.block(TIMEOUT));
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(this.clients.reasons()).containsExactly("success", "non-idempotent");
	}

	@Test
	void streamedBodyIsNotRetriedOnceItStarted() {
		this.server.enqueue(new MockResponse.Builder().body("0123456789")
			.onResponseBody(new SocketEffect.CloseSocket(true, false, false))
			.build());
		SentinelClient client = fastClient();
		assertThatExceptionOfType(WebClientResponseException.class)
			.isThrownBy(() -> client.webClient().get().uri("/").retrieve().bodyToFlux(String.class).blockLast(TIMEOUT));
		assertThat(this.server.getRequestCount()).isEqualTo(1);
	}

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static void answerGarbageThenOk(ServerSocket server) {
		try (Socket first = server.accept()) {
			readRequest(first.getInputStream());
			first.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			first.getOutputStream().flush();
			try (Socket second = server.accept()) {
				readRequest(second.getInputStream());
				OutputStream out = second.getOutputStream();
				out.write("HTTP/1.1 200 OK\r\ncontent-length: 4\r\nconnection: close\r\n\r\ndone"
					.getBytes(StandardCharsets.US_ASCII));
				out.flush();
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void answerGarbage(ServerSocket server) {
		try (Socket socket = server.accept()) {
			readRequest(socket.getInputStream());
			socket.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Reads up to the blank line that ends a request without a body. */
	private static void readRequest(InputStream in) throws IOException {
		int matched = 0;
		byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
		while (matched < end.length) {
			int read = in.read();
			if (read == -1) {
				return;
			}
			matched = (read == end[matched]) ? matched + 1 : ((read == end[0]) ? 1 : 0);
		}
	}

	private SentinelClient fastClient() {
		return this.clients.create(url(), BrokenResponseRetryTests::fast);
	}

	private static ClientSettings fast(ClientSettings settings) {
		return settings
			.withRetry(RetrySettings.INHERIT.withBackoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(50), 0.5));
	}

	private URI url() {
		return URI.create("http://127.0.0.1:" + this.server.getPort());
	}

}
