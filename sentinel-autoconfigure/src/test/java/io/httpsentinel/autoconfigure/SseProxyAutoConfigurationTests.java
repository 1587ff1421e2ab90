package io.httpsentinel.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;

import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.sse.SlowClientPolicy;
import io.httpsentinel.sse.SseProxySettings;
import io.httpsentinel.sse.proxy.SseProxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configured {@link SseProxy} and the {@code sse.*} forwarding settings.
 */
class SseProxyAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(SentinelAutoConfiguration.class,
			SseProxyAutoConfiguration.class, WebClientAutoConfiguration.class, SslAutoConfiguration.class);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS)
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS);

	private final ReactiveWebApplicationContextRunner reactiveContextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS)
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS);

	@Test
	void providesAnSseProxyAndItsShutdown() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SseProxy.class).hasSingleBean(SseProxyShutdown.class);
			assertThat(context.getBean(SseProxyShutdown.class).getPhase()).isGreaterThan(
					org.springframework.boot.web.server.context.WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE);
		});
	}

	@Test
	void backsOffForAUserDefinedSseProxy() {
		this.contextRunner.withUserConfiguration(OwnProxy.class)
			.run((context) -> assertThat(context.getBean(SseProxy.class)).isSameAs(OwnProxy.PROXY));
	}

	@Test
	void registersTheExchangeContextFilterInAReactiveWebApplication() {
		this.reactiveContextRunner
			.run((context) -> assertThat(context).hasSingleBean(ServerWebExchangeContextFilter.class));
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ServerWebExchangeContextFilter.class));
	}

	@Test
	void backsOffForAUserDefinedExchangeContextFilter() {
		this.reactiveContextRunner.withUserConfiguration(OwnFilter.class)
			.run((context) -> assertThat(context.getBean(ServerWebExchangeContextFilter.class))
				.isSameAs(OwnFilter.FILTER));
	}

	@Test
	void forwardingSettingsInheritFromDefaultsPerKey() {
		this.contextRunner
			.withPropertyValues("sentinel.defaults.sse.heartbeat=5s", "sentinel.defaults.sse.resume.enabled=true",
					"sentinel.defaults.sse.resume.max-attempts=9", "sentinel.clients.llm.base-url=http://localhost",
					"sentinel.clients.llm.sse.buffer-size=1MB", "sentinel.clients.llm.sse.slow-client-policy=drop",
					"sentinel.clients.llm.sse.max-streams=50", "sentinel.clients.llm.sse.resume.enabled=false")
			.run((context) -> {
				SseProxySettings proxy = context.getBean(SentinelClients.class).get("llm").settings().sse().proxy();
				assertThat(proxy.heartbeat()).isEqualTo(Duration.ofSeconds(5));
				assertThat(proxy.bufferSize()).isEqualTo(DataSize.ofMegabytes(1));
				assertThat(proxy.slowClientPolicy()).isEqualTo(SlowClientPolicy.DROP);
				assertThat(proxy.slowClientTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(proxy.maxStreams()).isEqualTo(50);
				assertThat(proxy.resume().enabled()).isFalse();
				assertThat(proxy.resume().maxAttempts()).isEqualTo(9);
				assertThat(proxy.resume().initialDelay()).isEqualTo(Duration.ofMillis(250));
			});
	}

	@Test
	void invalidForwardingSettingsFailNamingClientAndKey() {
		assertStartupFailure("sentinel.clients.llm.sse.buffer-size", "must be greater than 0",
				"sentinel.clients.llm.sse.buffer-size=0B");
		assertStartupFailure("sentinel.clients.llm.sse.heartbeat", "must not be negative",
				"sentinel.clients.llm.sse.heartbeat=-1s");
		assertStartupFailure("sentinel.clients.llm.sse.slow-client-timeout", "must be greater than 0",
				"sentinel.clients.llm.sse.slow-client-timeout=0s");
		assertStartupFailure("sentinel.clients.llm.sse.max-streams", "must be -1 (no limit) or at least 1",
				"sentinel.clients.llm.sse.max-streams=0");
		assertStartupFailure("sentinel.defaults.sse.resume.max-attempts", "must be -1 (no limit) or at least 0",
				"sentinel.defaults.sse.resume.max-attempts=-5");
		assertStartupFailure("sentinel.clients.llm.sse.resume.max-delay",
				"must not be shorter than sse.resume.initial-delay", "sentinel.clients.llm.sse.resume.max-delay=1s",
				"sentinel.clients.llm.sse.resume.initial-delay=2s");
		assertStartupFailure("sentinel.clients.llm.sse.resume.initial-delay", "must be greater than 0",
				"sentinel.clients.llm.sse.resume.initial-delay=0s");
	}

	@Test
	void anInvalidGlobalStreamLimitFailsNamingTheKey() {
		assertStartupFailure("sentinel.sse.max-streams", "must be -1 (no limit) or at least 1",
				"sentinel.sse.max-streams=0");
		assertStartupFailure("sentinel.sse.shutdown-retry", "with value '-1s' is invalid: must not be negative",
				"sentinel.sse.shutdown-retry=-1s");
	}

	private void assertStartupFailure(String key, String reason, String... properties) {
		String[] withBaseUrl = new String[properties.length + 1];
		withBaseUrl[0] = "sentinel.clients.llm.base-url=http://localhost";
		System.arraycopy(properties, 0, withBaseUrl, 1, properties.length);
		StartupFailure.assertNamesKey(this.contextRunner, key, reason, withBaseUrl);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnProxy {

		static final SseProxy PROXY = SseProxy.builder().maxStreams(3).build();

		@Bean
		SseProxy ownSseProxy() {
			return PROXY;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFilter {

		static final ServerWebExchangeContextFilter FILTER = new ServerWebExchangeContextFilter();

		@Bean
		ServerWebExchangeContextFilter ownFilter() {
			return FILTER;
		}

	}

}
