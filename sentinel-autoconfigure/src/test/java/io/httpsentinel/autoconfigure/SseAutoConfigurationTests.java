package io.httpsentinel.autoconfigure;

import java.time.Duration;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.util.unit.DataSize;

import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseOptions;
import io.httpsentinel.sse.SseSettings;
import io.httpsentinel.testsupport.LoopbackServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code sse.*} settings of the auto-configured clients.
 */
class SseAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelAutoConfiguration.class, WebClientAutoConfiguration.class,
				SslAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS);

	@Test
	void sseSettingsInheritFromDefaultsPerKey() {
		this.contextRunner.withPropertyValues("sentinel.defaults.sse.max-event-size=4MB",
				"sentinel.defaults.sse.reconnect.initial-delay=1s", "sentinel.clients.llm.base-url=http://localhost",
				"sentinel.clients.llm.sse.max-line-size=64KB", "sentinel.clients.llm.sse.reconnect.enabled=false",
				"sentinel.clients.llm.sse.reconnect.max-attempts=5")
			.run((context) -> {
				SseSettings sse = context.getBean(SentinelClients.class).get("llm").settings().sse();
				assertThat(sse.maxLineSize()).isEqualTo(DataSize.ofKilobytes(64));
				assertThat(sse.maxEventSize()).isEqualTo(DataSize.ofMegabytes(4));
				assertThat(sse.reconnect().enabled()).isFalse();
				assertThat(sse.reconnect().initialDelay()).isEqualTo(Duration.ofSeconds(1));
				assertThat(sse.reconnect().maxDelay()).isEqualTo(Duration.ofSeconds(30));
				assertThat(sse.reconnect().maxAttempts()).isEqualTo(5);
				assertThat(sse.reconnect().maxElapsed()).isZero();
			});
	}

	@Test
	void invalidSseSettingsFailNamingClientAndKey() {
		assertStartupFailure("sentinel.clients.llm.sse.max-line-size", "must be greater than 0",
				"sentinel.clients.llm.sse.max-line-size=0B");
		assertStartupFailure("sentinel.clients.llm.sse.max-event-size", "must be at most",
				"sentinel.clients.llm.sse.max-event-size=4GB");
		assertStartupFailure("sentinel.clients.llm.sse.reconnect.max-delay",
				"must not be shorter than sse.reconnect.initial-delay",
				"sentinel.clients.llm.sse.reconnect.max-delay=1s",
				"sentinel.clients.llm.sse.reconnect.initial-delay=5s");
		assertStartupFailure("sentinel.clients.llm.sse.reconnect.max-attempts", "must be -1 (no limit) or at least 0",
				"sentinel.clients.llm.sse.reconnect.max-attempts=-2");
		assertStartupFailure("sentinel.defaults.sse.reconnect.max-elapsed", "must not be negative",
				"sentinel.defaults.sse.reconnect.max-elapsed=-1s");
	}

	@Test
	void anAutoConfiguredClientReadsAnEventStream() {
		try (LoopbackServer server = LoopbackServer.start((routes) -> routes.get("/events",
				(request, response) -> response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
					.sendString(Mono.just("id: 1\nevent: greeting\ndata: hello\n\n"))))) {
			this.contextRunner.withPropertyValues("sentinel.clients.up.base-url=" + server.baseUrl()).run((context) -> {
				SentinelClients clients = context.getBean(SentinelClients.class);
				StepVerifier
					.create(clients.get("up").sse((web) -> web.get().uri("/events"), SseOptions.DEFAULTS.noReconnect()))
					.assertNext((event) -> {
						assertThat(event.type()).isEqualTo("greeting");
						assertThat(event.data()).isEqualTo("hello");
						assertThat(event.lastEventId()).isEqualTo("1");
					})
					.expectComplete()
					.verify(Duration.ofSeconds(10));
			});
		}
	}

	private void assertStartupFailure(String key, String reason, String... properties) {
		String[] withBaseUrl = new String[properties.length + 1];
		withBaseUrl[0] = "sentinel.clients.llm.base-url=http://localhost";
		System.arraycopy(properties, 0, withBaseUrl, 1, properties.length);
		StartupFailure.assertNamesKey(this.contextRunner, key, reason, withBaseUrl);
	}

}
