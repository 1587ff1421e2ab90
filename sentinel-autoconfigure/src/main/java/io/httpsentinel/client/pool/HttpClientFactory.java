package io.httpsentinel.client.pool;

import java.net.URI;
import java.time.Duration;

import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.tcp.AbstractProtocolSslContextSpec;
import reactor.netty.tcp.SslProvider;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.boot.ssl.SslOptions;

import io.httpsentinel.Internal;

/**
 * Creates the Reactor Netty {@link HttpClient} of one client: its pool, timeouts, TLS and
 * protocols.
 */
@Internal
public final class HttpClientFactory {

	private HttpClientFactory() {
	}

	/**
	 * Create the HTTP client of one named client.
	 * @param clientName the client name, used in error messages
	 * @param baseUrl the client's base URL (its scheme decides TLS, see
	 * {@link TransportSecurity#of(URI)})
	 * @param http2 whether to offer HTTP/2 with fallback to HTTP/1.1
	 * @param timeouts resolved timeouts
	 * @param ssl resolved TLS settings
	 * @param provider the client's connection pool
	 * @param sslBundle the SSL bundle named by the settings, or {@code null} for none
	 * @return a new HTTP client
	 */
	public static HttpClient create(String clientName, URI baseUrl, boolean http2, TimeoutSettings timeouts,
			SslSettings ssl, ConnectionProvider provider, @Nullable SslBundle sslBundle) {
		return create(clientName, TransportSecurity.of(baseUrl), http2, timeouts, ssl, provider, sslBundle);
	}

	/**
	 * Create the HTTP client of one named client whose requests may use either scheme.
	 * @param clientName the client name, used in error messages
	 * @param security the schemes its requests use: TLS is set up unless they are all
	 * plain; for {@link TransportSecurity#EITHER} Reactor Netty leaves TLS (and HTTP/2
	 * over TLS) out of each {@code http://} request, and cleartext HTTP/2 out of each
	 * {@code https://} one
	 * @param http2 whether to offer HTTP/2 with fallback to HTTP/1.1
	 * @param timeouts resolved timeouts
	 * @param ssl resolved TLS settings
	 * @param provider the client's connection pool
	 * @param sslBundle the SSL bundle named by the settings, or {@code null} for none
	 * @return a new HTTP client
	 */
	public static HttpClient create(String clientName, TransportSecurity security, boolean http2,
			TimeoutSettings timeouts, SslSettings ssl, ConnectionProvider provider, @Nullable SslBundle sslBundle) {
		boolean secure = security != TransportSecurity.PLAIN;
		HttpClient httpClient = HttpClient.create(provider)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, toMillis(timeouts.connect()))
			// Aligns with Spring's and Boot's defaults; a response sent as is then costs
			// nothing (ResponseDecompressor).
			.compress(true)
			.doOnConnected(ResponseDecompressor::install)
			.doOnRequest(ResponseDecompressor::installOnStream);
		if (http2) {
			httpClient = httpClient.protocol(protocols(security));
		}
		if (secure) {
			boolean trustAll = ssl.trustsAll();
			Duration handshakeTimeout = timeouts.tlsHandshake();
			httpClient = httpClient.secure((spec) -> spec.sslContext(sslContextSpec(http2, sslBundle, trustAll))
				.handshakeTimeout(handshakeTimeout));
		}
		return ExchangeTimeouts.apply(httpClient, clientName, timeouts.responseHeaders(), timeouts.readIdle());
	}

	private static HttpProtocol[] protocols(TransportSecurity security) {
		return switch (security) {
			case PLAIN -> new HttpProtocol[] { HttpProtocol.H2C, HttpProtocol.HTTP11 };
			case TLS -> new HttpProtocol[] { HttpProtocol.H2, HttpProtocol.HTTP11 };
			// Reactor Netty removes the one that does not fit each request's scheme.
			case EITHER -> new HttpProtocol[] { HttpProtocol.H2, HttpProtocol.H2C, HttpProtocol.HTTP11 };
		};
	}

	private static SslProvider.GenericSslContextSpec<SslContextBuilder> sslContextSpec(boolean http2,
			@Nullable SslBundle bundle, boolean trustAll) {
		AbstractProtocolSslContextSpec<?> spec = http2 ? Http2SslContextSpec.forClient()
				: Http11SslContextSpec.forClient();
		return spec.configure((builder) -> configure(builder, bundle, trustAll));
	}

	private static void configure(SslContextBuilder builder, @Nullable SslBundle bundle, boolean trustAll) {
		if (trustAll) {
			builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
		}
		if (bundle != null) {
			SslManagerBundle managers = bundle.getManagers();
			builder.keyManager(managers.getKeyManagerFactory()).trustManager(managers.getTrustManagerFactory());
			SslOptions options = bundle.getOptions();
			if (options.getCiphers() != null) {
				builder.ciphers(SslOptions.asSet(options.getCiphers()));
			}
			if (options.getEnabledProtocols() != null) {
				builder.protocols(options.getEnabledProtocols());
			}
		}
	}

	private static int toMillis(Duration duration) {
		return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
	}

}
