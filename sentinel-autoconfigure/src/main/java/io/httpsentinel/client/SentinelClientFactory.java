package io.httpsentinel.client;

import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;
import io.httpsentinel.client.pool.ConnectionProviderFactory;
import io.httpsentinel.client.pool.HttpClientFactory;
import io.httpsentinel.client.pool.PoolStatistics;
import io.httpsentinel.client.pool.SslSettings;
import io.httpsentinel.resilience.ClientResilience;
import io.httpsentinel.resilience.PipelineSettings;
import io.httpsentinel.resilience.ResilienceSupport;

/**
 * Builds {@link SentinelClient}s, resolving their settings (see {@link #resolve}). Each
 * client gets a pool of its own and a {@link WebClient} from a fresh
 * {@code WebClient.Builder} (with Spring Boot, the auto-configured one, so that
 * observations and codecs apply).
 */
public final class SentinelClientFactory {

	private static final Log logger = LogFactory.getLog(SentinelClientFactory.class);

	private final Supplier<WebClient.Builder> webClientBuilders;

	private final @Nullable SslBundles sslBundles;

	private final List<SentinelClientCustomizer> customizers;

	private final ResilienceSupport resilience;

	/**
	 * Create a factory whose clients have a private circuit breaker factory, the system
	 * clock and no attempt listeners.
	 * @param webClientBuilders supplies a new builder for each client
	 * @param sslBundles the SSL bundles that {@code ssl.bundle} may name, or {@code null}
	 * @param customizers customizers applied to every client, in order
	 */
	public SentinelClientFactory(Supplier<WebClient.Builder> webClientBuilders, @Nullable SslBundles sslBundles,
			List<SentinelClientCustomizer> customizers) {
		this(webClientBuilders, sslBundles, customizers, ResilienceSupport.standalone());
	}

	/**
	 * Create a factory.
	 * @param webClientBuilders supplies a new builder for each client
	 * @param sslBundles the SSL bundles that {@code ssl.bundle} may name, or {@code null}
	 * @param customizers customizers applied to every client, in order
	 * @param resilience what the resilience pipelines of the clients share
	 */
	public SentinelClientFactory(Supplier<WebClient.Builder> webClientBuilders, @Nullable SslBundles sslBundles,
			List<SentinelClientCustomizer> customizers, ResilienceSupport resilience) {
		this.webClientBuilders = webClientBuilders;
		this.sslBundles = sslBundles;
		this.customizers = List.copyOf(customizers);
		this.resilience = resilience;
	}

	/**
	 * Resolve settings: fill every component still unset from the built-in
	 * {@link ClientSettings#DEFAULTS}. This is the one place where they are applied:
	 * {@link #create} resolves the settings it is given, so a client's
	 * {@link SentinelClient#settings() settings} are always resolved and nothing
	 * downstream applies defaults again.
	 * @param requested settings as configured or made by hand, typically
	 * {@code own.orElse(defaults)}
	 * @return the resolved settings
	 */
	public static ClientSettings resolve(ClientSettings requested) {
		return requested.orElse(ClientSettings.DEFAULTS);
	}

	/**
	 * Create a client.
	 * @param name the client name
	 * @param requested the client's settings, typically {@code own.orElse(defaults)};
	 * components still unset take the built-in defaults (see {@link #resolve})
	 * @return a new client; close it to release its pool
	 * @throws InvalidSettingException when the base URL is missing, the settings are
	 * inconsistent, or the SSL bundle does not exist
	 */
	public SentinelClient create(String name, ClientSettings requested) {
		ClientSettings settings = resolve(requested);
		URI baseUrl = SettingChecks.required("base-url", settings.baseUrl());
		settings.checkConsistent();
		SslBundle sslBundle = sslBundle(settings.ssl());
		if (settings.ssl().trustsAll()) {
			logger.warn("Sentinel client '" + name + "' trusts every TLS certificate (ssl.insecure-trust-all=true): "
					+ "its traffic can be intercepted. Never use this outside local development.");
		}
		PoolStatistics poolStatistics = new PoolStatistics();
		ConnectionProvider provider = ConnectionProviderFactory.create(name, settings.pool(), poolStatistics);
		try {
			HttpClient httpClient = HttpClientFactory.create(name, baseUrl, Boolean.TRUE.equals(settings.http2()),
					settings.timeouts(), settings.ssl(), provider, sslBundle);
			for (SentinelClientCustomizer customizer : this.customizers) {
				httpClient = customizer.customizeHttpClient(name, httpClient);
			}
			WebClient.Builder builder = this.webClientBuilders.get()
				.baseUrl(baseUrl.toString())
				.defaultHeaders((headers) -> settings.defaultHeaders().forEach(headers::set))
				.clientConnector(new ReactorClientHttpConnector(httpClient))
				.codecs((codecs) -> codecs.defaultCodecs()
					.maxInMemorySize((int) Math.min(Integer.MAX_VALUE, settings.maxResponseSize().toBytes())));
			this.customizers.forEach((customizer) -> customizer.customizeWebClient(name, builder));
			// Added last, so innermost: the pipeline runs once per call around every
			// attempt, and sees the typed errors the translation below produces.
			PipelineSettings pipeline = new PipelineSettings(settings.retry(), settings.circuitBreaker(),
					settings.rateLimit(), settings.timeouts(), settings.pool().pendingAcquireTimeout(),
					settings.maxResponseSize());
			ClientResilience resilience = this.resilience.create(name, pipeline);
			builder.filter(this.resilience.filter(name, pipeline, resilience));
			builder.filter(new ErrorTranslationFilter(name, settings));
			if (settings.log().isEnabled()) {
				// Innermost, next to the connection: one log per attempt, as sent. Absent
				// when off, so that it costs nothing.
				builder.filter(new ExchangeLoggingFilter(name, settings.log(), Redactor.of(settings.redaction())));
			}
			return new SentinelClient(name, settings, builder.build(), provider, poolStatistics, resilience,
					this.resilience.scheduler());
		}
		catch (RuntimeException ex) {
			provider.dispose();
			throw ex;
		}
	}

	private @Nullable SslBundle sslBundle(SslSettings ssl) {
		String bundleName = ssl.bundle();
		if (bundleName == null) {
			return null;
		}
		if (this.sslBundles == null) {
			throw new InvalidSettingException("ssl.bundle", bundleName, "no SSL bundles are available");
		}
		try {
			return this.sslBundles.getBundle(bundleName);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidSettingException("ssl.bundle", bundleName,
					"no SSL bundle of that name; define it under spring.ssl.bundle.jks or spring.ssl.bundle.pem");
		}
	}

}
