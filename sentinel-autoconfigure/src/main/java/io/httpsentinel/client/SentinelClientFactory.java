package io.httpsentinel.client;

import java.net.URI;
import java.util.ArrayList;
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
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;
import io.httpsentinel.client.pool.ConnectionProviderFactory;
import io.httpsentinel.client.pool.HttpClientFactory;
import io.httpsentinel.client.pool.PoolStatistics;
import io.httpsentinel.client.pool.SslSettings;
import io.httpsentinel.client.pool.TransportSecurity;
import io.httpsentinel.resilience.BackendEndpoint;
import io.httpsentinel.resilience.ClientResilience;
import io.httpsentinel.resilience.PipelineSettings;
import io.httpsentinel.resilience.ResilienceSupport;

/**
 * Builds {@link SentinelClient}s, resolving their settings (see {@link #resolve}). Each
 * client gets a pool of its own, a {@link WebClient} from a fresh
 * {@code WebClient.Builder} and a {@link RestClient} from a fresh
 * {@code RestClient.Builder} (with Spring Boot, the auto-configured ones, so that
 * observations, codecs and message converters apply), both on that pool and pipeline.
 */
public final class SentinelClientFactory {

	private static final Log logger = LogFactory.getLog(SentinelClientFactory.class);

	private final Supplier<WebClient.Builder> webClientBuilders;

	private final Supplier<RestClient.Builder> restClientBuilders;

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
	 * Create a factory whose clients' {@code RestClient}s start from
	 * {@link RestClient#builder()}.
	 * @param webClientBuilders supplies a new builder for each client
	 * @param sslBundles the SSL bundles that {@code ssl.bundle} may name, or {@code null}
	 * @param customizers customizers applied to every client, in order
	 * @param resilience what the resilience pipelines of the clients share
	 */
	public SentinelClientFactory(Supplier<WebClient.Builder> webClientBuilders, @Nullable SslBundles sslBundles,
			List<SentinelClientCustomizer> customizers, ResilienceSupport resilience) {
		this(webClientBuilders, RestClient::builder, sslBundles, customizers, resilience);
	}

	/**
	 * Create a factory.
	 * @param webClientBuilders supplies a new {@code WebClient} builder for each client
	 * @param restClientBuilders supplies a new {@code RestClient} builder for each client
	 * @param sslBundles the SSL bundles that {@code ssl.bundle} may name, or {@code null}
	 * @param customizers customizers applied to every client, in order
	 * @param resilience what the resilience pipelines of the clients share
	 */
	public SentinelClientFactory(Supplier<WebClient.Builder> webClientBuilders,
			Supplier<RestClient.Builder> restClientBuilders, @Nullable SslBundles sslBundles,
			List<SentinelClientCustomizer> customizers, ResilienceSupport resilience) {
		this.webClientBuilders = webClientBuilders;
		this.restClientBuilders = restClientBuilders;
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
		URI baseUrl = SettingChecks.required("base-url", settings.logicalBaseUrl());
		settings.checkConsistent();
		SslBundle sslBundle = sslBundle(settings.ssl());
		if (settings.ssl().trustsAll()) {
			logger.warn("Sentinel client '" + name + "' trusts every TLS certificate (ssl.insecure-trust-all=true): "
					+ "its traffic can be intercepted. Never use this outside local development.");
		}
		PoolStatistics poolStatistics = new PoolStatistics();
		ConnectionProvider provider = ConnectionProviderFactory.create(name, settings.pool(), poolStatistics);
		try {
			HttpClient httpClient = HttpClientFactory.create(name, transportSecurity(settings, baseUrl),
					Boolean.TRUE.equals(settings.http2()), settings.timeouts(), settings.ssl(), provider, sslBundle);
			for (SentinelClientCustomizer customizer : this.customizers) {
				httpClient = customizer.customizeHttpClient(name, httpClient);
			}
			PipelineSettings pipeline = new PipelineSettings(settings.retry(), settings.circuitBreaker(),
					settings.rateLimit(), settings.timeouts(), settings.pool().pendingAcquireTimeout(),
					settings.maxResponseSize(), baseUrl, settings.backends());
			ClientResilience resilience = this.resilience.create(name, pipeline);
			ClientTransport transport = new ClientTransport(name, baseUrl, settings.defaultHeaders(),
					new ReactorClientHttpConnector(httpClient), settings.maxResponseSize().toBytes(),
					pipelineFilters(name, settings, pipeline, resilience));
			WebClient.Builder webClient = transport.applyConnection(this.webClientBuilders.get());
			this.customizers.forEach((customizer) -> customizer.customizeWebClient(name, webClient));
			// Added last, so innermost: the pipeline runs once per call around every
			// attempt, after the customizers' filters.
			transport.applyPipeline(webClient);
			RestClient.Builder restClient = transport.apply(this.restClientBuilders.get());
			this.customizers.forEach((customizer) -> customizer.customizeRestClient(name, restClient));
			return new SentinelClient(name, settings, webClient.build(), restClient.build(), transport, provider,
					poolStatistics, resilience, this.resilience.scheduler());
		}
		catch (RuntimeException ex) {
			provider.dispose();
			throw ex;
		}
	}

	/**
	 * The filters of a client's pipeline, outermost first: the resilience pipeline, then
	 * the translation of transport errors into typed ones it decides on, then (when on)
	 * the exchange log, next to the connection: one log per attempt, as sent.
	 */
	private List<ExchangeFilterFunction> pipelineFilters(String name, ClientSettings settings,
			PipelineSettings pipeline, ClientResilience resilience) {
		List<ExchangeFilterFunction> filters = new ArrayList<>(3);
		filters.add(this.resilience.filter(name, pipeline, resilience));
		filters.add(new ErrorTranslationFilter(name, settings));
		if (settings.log().isEnabled()) {
			// Absent when off, so that it costs nothing.
			filters.add(new ExchangeLoggingFilter(name, settings.log(), Redactor.of(settings.redaction())));
		}
		return filters;
	}

	/**
	 * TLS for the schemes of every backend (an {@code lb://} base URL may resolve to
	 * either), not only the first one's.
	 */
	private static TransportSecurity transportSecurity(ClientSettings settings, URI baseUrl) {
		List<BackendEndpoint> endpoints = settings.backends().endpoints();
		return (endpoints != null && !endpoints.isEmpty())
				? TransportSecurity.of(endpoints.stream().map(BackendEndpoint::url).toList())
				: TransportSecurity.of(baseUrl);
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
