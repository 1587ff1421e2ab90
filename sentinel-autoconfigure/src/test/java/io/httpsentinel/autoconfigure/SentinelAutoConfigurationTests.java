package io.httpsentinel.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.tcp.SslProvider;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientCustomizer;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.client.UnknownClientException;
import io.httpsentinel.client.pool.LeasingStrategy;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.SelfSignedCertificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SentinelAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class SentinelAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SentinelAutoConfiguration.class, WebClientAutoConfiguration.class,
				SslAutoConfiguration.class))
		.withConfiguration(SpringCloudCircuitBreaker.AUTO_CONFIGURATIONS);

	@Test
	void createsOneClientPerConfiguredName() {
		this.contextRunner
			.withPropertyValues("sentinel.clients.anthropic.base-url=https://api.anthropic.com",
					"sentinel.clients.weather.base-url=http://localhost:9090/v2")
			.run((context) -> {
				SentinelClients clients = context.getBean(SentinelClients.class);
				assertThat(clients.names()).containsExactly("anthropic", "weather");
				assertThat(clients.get("anthropic").settings().baseUrl())
					.isEqualTo(URI.create("https://api.anthropic.com"));
				assertThat(clients.get("weather").settings().baseUrl())
					.isEqualTo(URI.create("http://localhost:9090/v2"));
			});
	}

	@Test
	void noClientsGivesAnEmptyRegistry() {
		this.contextRunner.run((context) -> assertThat(context.getBean(SentinelClients.class).names()).isEmpty());
	}

	@Test
	void unknownClientNameFailsListingTheConfiguredNames() {
		this.contextRunner.withPropertyValues("sentinel.clients.weather.base-url=http://localhost:9090")
			.run((context) -> assertThatExceptionOfType(UnknownClientException.class)
				.isThrownBy(() -> context.getBean(SentinelClients.class).get("wether"))
				.withMessageContaining("'wether'")
				.withMessageContaining("[weather]"));
	}

	@Test
	void clientInheritsFromDefaultsThenFromBuiltInDefaults() {
		this.contextRunner
			.withPropertyValues("sentinel.defaults.timeouts.connect=2s", "sentinel.defaults.pool.max-connections=7",
					"sentinel.clients.weather.base-url=http://localhost:9090",
					"sentinel.clients.weather.timeouts.read-idle=15s")
			.run((context) -> {
				ClientSettings settings = context.getBean(SentinelClients.class).get("weather").settings();
				assertThat(settings.timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
				assertThat(settings.timeouts().readIdle()).isEqualTo(Duration.ofSeconds(15));
				assertThat(settings.pool().maxConnections()).isEqualTo(7);
				assertThat(settings.pool().pendingAcquireMaxCount()).isEqualTo(200);
				assertThat(settings.pool().leasing()).isEqualTo(LeasingStrategy.FIFO);
				assertThat(settings.timeouts().total()).isEqualTo(Duration.ofMinutes(10));
			});
	}

	@Test
	void clientValueEqualToTheBuiltInDefaultStillWinsOverDefaults() {
		this.contextRunner
			.withPropertyValues("sentinel.defaults.pool.max-connections=7", "sentinel.defaults.timeouts.connect=1s",
					"sentinel.clients.weather.base-url=http://localhost:9090",
					"sentinel.clients.weather.pool.max-connections=100", "sentinel.clients.weather.timeouts.connect=5s")
			.run((context) -> {
				ClientSettings settings = context.getBean(SentinelClients.class).get("weather").settings();
				assertThat(settings.pool().maxConnections()).isEqualTo(100);
				assertThat(settings.timeouts().connect()).isEqualTo(Duration.ofSeconds(5));
			});
	}

	@Test
	void defaultHeadersAreMergedPerName() {
		this.contextRunner
			.withPropertyValues("sentinel.defaults.default-headers.user-agent=sentinel",
					"sentinel.defaults.default-headers.x-team=payments",
					"sentinel.clients.weather.base-url=http://localhost:9090",
					"sentinel.clients.weather.default-headers.X-Team=search")
			.run((context) -> assertThat(
					context.getBean(SentinelClients.class).get("weather").settings().defaultHeaders())
				.containsEntry("user-agent", "sentinel")
				.containsEntry("x-team", "search")
				.hasSize(2));
	}

	@Test
	void clientSendsItsDefaultHeadersToItsBaseUrl() {
		try (LoopbackServer server = LoopbackServer.start((routes) -> routes.get("/v2/ping", (request,
				response) -> response.sendString(Mono.just("pong " + request.requestHeaders().get("x-api-key")))))) {
			this.contextRunner
				.withPropertyValues("sentinel.clients.weather.base-url=" + server.baseUrl() + "/v2",
						"sentinel.clients.weather.default-headers.x-api-key=k1")
				.run((context) -> assertThat(context.getBean(SentinelClients.class)
					.get("weather")
					.webClient()
					.get()
					.uri("/ping")
					.retrieve()
					.bodyToMono(String.class)
					.block(TIMEOUT)).isEqualTo("pong k1"));
		}
	}

	@Test
	void closingTheContextClosesPooledConnections() {
		try (LoopbackServer server = LoopbackServer
			.start((routes) -> routes.get("/", (request, response) -> response.sendString(Mono.just("ok"))))) {
			this.contextRunner.withPropertyValues("sentinel.clients.weather.base-url=" + server.baseUrl())
				.run((context) -> {
					SentinelClient client = context.getBean(SentinelClients.class).get("weather");
					assertThat(client.webClient().get().retrieve().bodyToMono(String.class).block(TIMEOUT))
						.isEqualTo("ok");
					assertThat(server.openConnections()).isEqualTo(1);
				});
			await().atMost(TIMEOUT).until(() -> server.openConnections() == 0);
		}
	}

	@Test
	void userDefinedClientsBackOff() {
		this.contextRunner.withUserConfiguration(UserClientsConfiguration.class)
			.withPropertyValues("sentinel.clients.weather.base-url=http://localhost:9090")
			.run((context) -> assertThat(context.getBean(SentinelClients.class).names()).isEmpty());
	}

	@Test
	void userDefinedFactoryIsUsed() {
		this.contextRunner.withUserConfiguration(UserFactoryConfiguration.class)
			.withPropertyValues("sentinel.clients.weather.base-url=http://localhost:9090")
			.run((context) -> {
				assertThat(context).hasSingleBean(SentinelClientFactory.class);
				assertThat(context.getBean(SentinelClientFactory.class))
					.isSameAs(context.getBean(UserFactoryConfiguration.class).factory);
				assertThat(context.getBean(SentinelClients.class).names()).containsExactly("weather");
			});
	}

	@Test
	void customizersApplyToAllClientsOrOnlyTheNamedOne() {
		this.contextRunner.withUserConfiguration(CustomizerConfiguration.class)
			.withPropertyValues("sentinel.clients.a.base-url=http://localhost:1",
					"sentinel.clients.b.base-url=http://localhost:2")
			.run((context) -> {
				CustomizerConfiguration customizers = context.getBean(CustomizerConfiguration.class);
				assertThat(customizers.everyClient).containsExactly("a", "b");
				assertThat(customizers.httpClients).containsExactly("a", "b");
				assertThat(customizers.onlyB).containsExactly("b");
			});
	}

	@Test
	void sslBundleFromSpringBootPropertiesIsUsed(@TempDir Path directory) throws Exception {
		SelfSignedCertificate certificate = SelfSignedCertificate.create(directory);
		// Typed as the generic spec: sslContext(ProtocolSslContextSpec) is deprecated.
		SslProvider.GenericSslContextSpec<?> sslContext = Http11SslContextSpec.forServer(certificate.privateKey(),
				certificate.certificate());
		try (LoopbackServer server = LoopbackServer.start(HttpServer.create()
			.secure((spec) -> spec.sslContext(sslContext))
			.handle((request, response) -> response.sendString(Mono.just("secure"))), "https")) {
			this.contextRunner
				.withPropertyValues(
						"spring.ssl.bundle.pem.upstream.truststore.certificate=file:" + certificate.certificatePem(),
						"sentinel.clients.secure.base-url=" + server.baseUrl("localhost"),
						"sentinel.clients.secure.ssl.bundle=upstream")
				.run((context) -> assertThat(context.getBean(SentinelClients.class)
					.get("secure")
					.webClient()
					.get()
					.retrieve()
					.bodyToMono(String.class)
					.block(TIMEOUT)).isEqualTo("secure"));
		}
	}

	@Test
	void insecureTrustAllLogsAWarningNamingTheClient(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("sentinel.clients.devbox.base-url=https://localhost:8443",
					"sentinel.clients.devbox.ssl.insecure-trust-all=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("WARN").contains("Sentinel client 'devbox' trusts every TLS certificate");
			});
	}

	@Test
	void invalidBaseUrlFailsNamingClientAndKey() {
		assertStartupFailure("sentinel.clients.weather.base-url", "has no scheme: write it as 'http://localhost:9090'",
				"sentinel.clients.weather.base-url=localhost:9090");
		assertStartupFailure("sentinel.clients.weather.base-url", "is not a valid URL",
				"sentinel.clients.weather.base-url=http://exa mple.com");
		assertStartupFailure("sentinel.clients.weather.base-url", "must be an absolute http:// or https:// URL",
				"sentinel.clients.weather.base-url=ftp://example.com");
	}

	@Test
	void missingBaseUrlFailsNamingClientAndKey() {
		assertStartupFailure("sentinel.clients.weather.base-url", "must be set",
				"sentinel.clients.weather.timeouts.connect=1s");
	}

	@Test
	void negativeOrZeroPoolSizeFailsNamingClientAndKey() {
		assertStartupFailure("sentinel.clients.weather.pool.max-connections", "must be greater than 0",
				"sentinel.clients.weather.base-url=http://localhost:9090",
				"sentinel.clients.weather.pool.max-connections=-1");
		assertStartupFailure("sentinel.clients.weather.pool.max-connections", "must be greater than 0",
				"sentinel.clients.weather.base-url=http://localhost:9090",
				"sentinel.clients.weather.pool.max-connections=0");
		assertStartupFailure("sentinel.defaults.pool.pending-acquire-max-count", "must be greater than 0",
				"sentinel.defaults.pool.pending-acquire-max-count=0");
	}

	@Test
	void nonPositiveTimeoutFailsNamingClientAndKey() {
		assertStartupFailure("sentinel.clients.weather.timeouts.connect", "must be greater than 0",
				"sentinel.clients.weather.base-url=http://localhost:9090",
				"sentinel.clients.weather.timeouts.connect=0s");
		assertStartupFailure("sentinel.clients.weather.timeouts.read-idle", "must be greater than 0",
				"sentinel.clients.weather.base-url=http://localhost:9090",
				"sentinel.clients.weather.timeouts.read-idle=-5s");
		assertStartupFailure("sentinel.clients.weather.pool.evict-in-background", "must not be negative",
				"sentinel.clients.weather.base-url=http://localhost:9090",
				"sentinel.clients.weather.pool.evict-in-background=-1s");
	}

	@Test
	void responseHeadersTimeoutNotShorterThanTotalFailsNamingClientAndKey() {
		assertStartupFailure("sentinel.clients.weather.timeouts.response-headers",
				"must be shorter than timeouts.total", "sentinel.clients.weather.base-url=http://localhost:9090",
				"sentinel.defaults.timeouts.total=30s", "sentinel.clients.weather.timeouts.response-headers=30s");
	}

	@Test
	void unknownLeasingStrategyFailsNamingClientAndKey() {
		this.contextRunner
			.withPropertyValues("sentinel.clients.weather.base-url=http://localhost:9090",
					"sentinel.clients.weather.pool.leasing=random")
			.run((context) -> {
				BindException failure = findCause(context.getStartupFailure(), BindException.class);
				assertThat(failure.getProperty().getName()).hasToString("sentinel.clients.weather.pool.leasing");
				assertThat(failure.getProperty().getValue()).isEqualTo("random");
			});
	}

	@Test
	void missingSslBundleFailsNamingClientAndKey() {
		assertStartupFailure("sentinel.clients.weather.ssl.bundle", "no SSL bundle of that name",
				"sentinel.clients.weather.base-url=https://localhost:9090", "sentinel.clients.weather.ssl.bundle=nope");
	}

	@Test
	void sslBundleTogetherWithTrustAllFailsNamingClientAndKey() {
		assertStartupFailure("sentinel.clients.weather.ssl.insecure-trust-all", "cannot be combined with ssl.bundle",
				"spring.ssl.bundle.pem.upstream.truststore.certificate=classpath:missing.crt",
				"sentinel.clients.weather.base-url=https://localhost:9090",
				"sentinel.clients.weather.ssl.bundle=upstream", "sentinel.clients.weather.ssl.insecure-trust-all=true");
	}

	@Test
	void badClientAfterAGoodOneReleasesTheGoodOnesPool() {
		this.contextRunner.withPropertyValues("sentinel.clients.good.base-url=http://localhost:9090",
				"sentinel.clients.bad.base-url=http://localhost:9090", "sentinel.clients.bad.pool.max-connections=0")
			.run((context) -> assertThat(context).hasFailed());
	}

	private void assertStartupFailure(String key, String reason, String... properties) {
		StartupFailure.assertNamesKey(this.contextRunner, key, reason, properties);
	}

	private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " in " + failure);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserClientsConfiguration {

		@Bean
		SentinelClients userClients() {
			return new SentinelClients(List.of());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserFactoryConfiguration {

		final SentinelClientFactory factory = new SentinelClientFactory(WebClient::builder, null, List.of());

		@Bean
		SentinelClientFactory userFactory() {
			return this.factory;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		final List<String> everyClient = new java.util.ArrayList<>();

		final List<String> httpClients = new java.util.ArrayList<>();

		final List<String> onlyB = new java.util.ArrayList<>();

		@Bean
		SentinelClientCustomizer everyClientCustomizer() {
			return new SentinelClientCustomizer() {

				@Override
				public HttpClient customizeHttpClient(String clientName, HttpClient httpClient) {
					CustomizerConfiguration.this.httpClients.add(clientName);
					return httpClient;
				}

				@Override
				public void customizeWebClient(String clientName, WebClient.Builder builder) {
					CustomizerConfiguration.this.everyClient.add(clientName);
				}

			};
		}

		@Bean
		SentinelClientCustomizer onlyBCustomizer() {
			return SentinelClientCustomizer.forClient("b", new SentinelClientCustomizer() {

				@Override
				public void customizeWebClient(String clientName, WebClient.Builder builder) {
					CustomizerConfiguration.this.onlyB.add(clientName);
				}

			});
		}

	}

}
