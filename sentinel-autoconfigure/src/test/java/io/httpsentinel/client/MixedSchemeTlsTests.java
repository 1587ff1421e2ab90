package io.httpsentinel.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.tcp.SslProvider;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.pool.SslSettings;
import io.httpsentinel.resilience.BackendEndpoint;
import io.httpsentinel.resilience.BackendSettings;
import io.httpsentinel.resilience.OutlierDetectionSettings;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.SelfSignedCertificate;
import io.httpsentinel.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client whose backends use both schemes: TLS (with the client's SSL bundle) to the
 * {@code https://} one, plain HTTP to the {@code http://} one, through one HTTP client
 * and pool.
 */
class MixedSchemeTlsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@TempDir
	Path directory;

	private LoopbackServer plain;

	private LoopbackServer secure;

	private SentinelClientFactory factory;

	private final TestClients clients = new TestClients();

	@BeforeEach
	void start() throws Exception {
		SelfSignedCertificate certificate = SelfSignedCertificate.create(this.directory);
		SslProvider.GenericSslContextSpec<?> sslContext = Http2SslContextSpec.forServer(certificate.privateKey(),
				certificate.certificate());
		this.secure = LoopbackServer.start(
				HttpServer.create()
					.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
					.secure((spec) -> spec.sslContext(sslContext))
					.handle((request, response) -> response.sendString(Mono.just("secure " + request.protocol()))),
				"https");
		this.plain = LoopbackServer.start(
				HttpServer.create()
					.protocol(HttpProtocol.H2C, HttpProtocol.HTTP11)
					.handle((request, response) -> response.sendString(Mono.just("plain " + request.protocol()))),
				"http");
		PemSslStoreDetails trustStore = PemSslStoreDetails
			.forCertificate("file:" + certificate.certificatePem().toAbsolutePath());
		SslBundle bundle = SslBundle.of(new PemSslStoreBundle(null, trustStore));
		this.factory = new SentinelClientFactory(WebClient::builder, new DefaultSslBundleRegistry("upstream", bundle),
				List.of());
	}

	@AfterEach
	void stop() {
		this.clients.close();
		this.plain.close();
		this.secure.close();
	}

	@Test
	void eachBackendIsReachedWithItsOwnScheme() {
		SentinelClient client = mixedClient(false);
		// Absolute URLs by host name: outside the backends' addresses, so sent as they
		// are.
		assertThat(webClientGet(client, this.secure.baseUrl("localhost"))).isEqualTo("secure HTTP/1.1");
		assertThat(webClientGet(client, this.plain.baseUrl("localhost"))).isEqualTo("plain HTTP/1.1");
		assertThat(restClientGet(client, this.secure.baseUrl("localhost"))).isEqualTo("secure HTTP/1.1");
		assertThat(restClientGet(client, this.plain.baseUrl("localhost"))).isEqualTo("plain HTTP/1.1");
	}

	@Test
	void http2IsNegotiatedOverTlsAndInCleartextAlike() {
		SentinelClient client = mixedClient(true);
		assertThat(webClientGet(client, this.secure.baseUrl("localhost"))).isEqualTo("secure HTTP/2.0");
		assertThat(webClientGet(client, this.plain.baseUrl("localhost"))).isEqualTo("plain HTTP/2.0");
		assertThat(this.plain.acceptedConnections()).isEqualTo(1);
		assertThat(this.secure.acceptedConnections()).isEqualTo(1);
	}

	private SentinelClient mixedClient(boolean http2) {
		List<BackendEndpoint> endpoints = List.of(BackendEndpoint.of(this.plain.baseUrl()),
				BackendEndpoint.of(this.secure.baseUrl()));
		return this.clients.create(this.factory, this.plain.baseUrl(),
				(settings) -> settings.withBaseUrl(null)
					.withHttp2(http2)
					.withSsl(new SslSettings("upstream", null))
					.withBackends(new BackendSettings(endpoints, OutlierDetectionSettings.INHERIT, null)));
	}

	private static String webClientGet(SentinelClient client, URI url) {
		return client.webClient().get().uri(url).retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	private static String restClientGet(SentinelClient client, URI url) {
		return client.restClient().get().uri(url).retrieve().body(String.class);
	}

}
