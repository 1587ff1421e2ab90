package io.httpsentinel.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientCustomizer;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.client.SentinelClients;

/**
 * Auto-configuration for Sentinel: one pooled {@link SentinelClient} per entry of
 * {@code sentinel.clients}, in a {@link SentinelClients} registry.
 */
@AutoConfiguration(after = { WebClientAutoConfiguration.class, SslAutoConfiguration.class })
@ConditionalOnClass({ WebClient.class, HttpClient.class })
@EnableConfigurationProperties(SentinelProperties.class)
public final class SentinelAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SentinelClientFactory sentinelClientFactory(ObjectProvider<WebClient.Builder> webClientBuilder,
			ObjectProvider<SslBundles> sslBundles, ObjectProvider<SentinelClientCustomizer> customizers) {
		return new SentinelClientFactory(() -> webClientBuilder.getIfAvailable(WebClient::builder),
				sslBundles.getIfAvailable(), customizers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	SentinelClients sentinelClients(SentinelProperties properties, SentinelClientFactory factory) {
		ClientSettings defaults = ClientSettingsMapper.map(properties.getDefaults(),
				ClientSettingsMapper.defaultsPrefix());
		List<SentinelClient> clients = new ArrayList<>();
		try {
			for (Map.Entry<String, ClientProperties> entry : properties.getClients().entrySet()) {
				String name = entry.getKey();
				String prefix = ClientSettingsMapper.clientPrefix(name);
				ClientSettings settings = ClientSettingsMapper.map(entry.getValue(), prefix)
					.orElse(defaults)
					.orElse(ClientSettings.DEFAULTS);
				clients.add(ClientSettingsMapper.withKeyPrefix(prefix, () -> factory.create(name, settings)));
			}
		}
		catch (RuntimeException ex) {
			// Startup fails: release the pools of the clients created so far.
			new SentinelClients(clients).close();
			throw ex;
		}
		return new SentinelClients(clients);
	}

}
