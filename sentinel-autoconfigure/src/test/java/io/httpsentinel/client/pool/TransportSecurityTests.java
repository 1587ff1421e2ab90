package io.httpsentinel.client.pool;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which clients get TLS set up: the scheme of every URL they send to decides.
 */
class TransportSecurityTests {

	@Test
	void theSchemesOfTheUrlsDecide() {
		assertThat(TransportSecurity.of(URI.create("http://a:1"))).isEqualTo(TransportSecurity.PLAIN);
		assertThat(TransportSecurity.of(URI.create("HTTPS://a:1"))).isEqualTo(TransportSecurity.TLS);
		assertThat(TransportSecurity.of(List.of(URI.create("http://a:1"), URI.create("http://b:1"))))
			.isEqualTo(TransportSecurity.PLAIN);
		assertThat(TransportSecurity.of(List.of(URI.create("https://a:1"), URI.create("https://b:1"))))
			.isEqualTo(TransportSecurity.TLS);
		assertThat(TransportSecurity.of(List.of(URI.create("http://a:1"), URI.create("https://b:1"))))
			.isEqualTo(TransportSecurity.EITHER);
	}

	@Test
	void aServiceUrlMayResolveToEitherScheme() {
		assertThat(TransportSecurity.of(URI.create("lb://vllm/v1"))).isEqualTo(TransportSecurity.EITHER);
	}

	@Test
	void onlyAClientWhoseUrlsAreAllPlainHasNoTlsSetUp() {
		ConnectionProvider provider = ConnectionProvider.create("transport-security-test", 1);
		try {
			assertThat(sslProvider(URI.create("http://127.0.0.1:1"), provider)).isFalse();
			assertThat(sslProvider(URI.create("https://127.0.0.1:1"), provider)).isTrue();
			assertThat(sslProvider(URI.create("lb://vllm"), provider)).isTrue();
		}
		finally {
			provider.dispose();
		}
	}

	private static boolean sslProvider(URI url, ConnectionProvider provider) {
		HttpClient client = HttpClientFactory.create("upstream", url, false, TimeoutSettings.DEFAULTS,
				SslSettings.DEFAULTS, provider, null);
		return client.configuration().sslProvider() != null;
	}

}
