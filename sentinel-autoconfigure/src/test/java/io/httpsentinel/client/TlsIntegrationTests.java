package io.httpsentinel.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.tcp.SslProvider;
import reactor.test.StepVerifier;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.pool.SslSettings;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.SelfSignedCertificate;
import io.httpsentinel.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS against a real loopback server with a self-signed certificate made for the test.
 */
class TlsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@TempDir
	Path directory;

	private SelfSignedCertificate certificate;

	private LoopbackServer server;

	private final TestClients clients = new TestClients();

	@BeforeEach
	void start() throws Exception {
		this.certificate = SelfSignedCertificate.create(this.directory);
		// Typed as the generic spec: sslContext(ProtocolSslContextSpec) is deprecated.
		SslProvider.GenericSslContextSpec<?> sslContext = Http11SslContextSpec.forServer(this.certificate.privateKey(),
				this.certificate.certificate());
		this.server = LoopbackServer.start(
				HttpServer.create()
					.secure((spec) -> spec.sslContext(sslContext))
					.handle((request, response) -> response.sendString(Mono.just("secure " + request.protocol()))),
				"https");
	}

	@AfterEach
	void stop() {
		this.clients.close();
		this.server.close();
	}

	@Test
	void selfSignedServerIsTrustedThroughAnSslBundle() {
		SentinelClient client = this.clients.create(factoryWithTrustBundle(), this.server.baseUrl("localhost"),
				(settings) -> settings.withSsl(new SslSettings("upstream", null)));
		assertThat(get(client).block(TIMEOUT)).isEqualTo("secure HTTP/1.1");
	}

	@Test
	void selfSignedServerIsRejectedWithoutTheBundle() {
		SentinelClient client = this.clients.create(this.server.baseUrl("localhost"), (settings) -> settings);
		StepVerifier.create(get(client))
			.expectErrorSatisfies((error) -> assertThat(error).rootCause()
				.hasMessageContaining("unable to find valid certification path"))
			.verify(TIMEOUT);
	}

	@Test
	void selfSignedServerIsAcceptedWithInsecureTrustAll() {
		SentinelClient client = this.clients.create(this.server.baseUrl("localhost"),
				(settings) -> settings.withSsl(new SslSettings(null, true)));
		assertThat(get(client).block(TIMEOUT)).isEqualTo("secure HTTP/1.1");
	}

	@Test
	void http2IsNegotiatedOverTls() throws Exception {
		SslProvider.GenericSslContextSpec<?> sslContext = Http2SslContextSpec.forServer(this.certificate.privateKey(),
				this.certificate.certificate());
		try (LoopbackServer h2 = LoopbackServer.start(
				HttpServer.create()
					.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
					.secure((spec) -> spec.sslContext(sslContext))
					.handle((request, response) -> response.sendString(Mono.just("secure " + request.protocol()))),
				"https")) {
			SentinelClient client = this.clients.create(factoryWithTrustBundle(), h2.baseUrl("localhost"),
					(settings) -> settings.withHttp2(true).withSsl(new SslSettings("upstream", null)));
			ResponseEntity<String> response = client.webClient()
				.get()
				.uri("/")
				.retrieve()
				.toEntity(String.class)
				.block(TIMEOUT);
			assertThat(response.getBody()).isEqualTo("secure HTTP/2.0");
		}
	}

	private SentinelClientFactory factoryWithTrustBundle() {
		PemSslStoreDetails trustStore = PemSslStoreDetails
			.forCertificate("file:" + this.certificate.certificatePem().toAbsolutePath());
		SslBundle bundle = SslBundle.of(new PemSslStoreBundle(null, trustStore));
		return new SentinelClientFactory(WebClient::builder, new DefaultSslBundleRegistry("upstream", bundle),
				List.of());
	}

	private static Mono<String> get(SentinelClient client) {
		return client.webClient().get().uri("/").retrieve().bodyToMono(String.class);
	}

}
