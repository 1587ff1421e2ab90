package io.httpsentinel.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PropertyKeys}: the keys found by introspection are the ones the
 * configuration processor found, and a key is matched in each relaxed form.
 */
class PropertyKeysTests {

	private static final int FROM = 2;

	private final PropertyKeys clientKeys = PropertyKeys.of(ClientProperties.class);

	@Test
	void everyKeyOfTheConfigurationMetadataIsKnown() throws IOException {
		List<String> defaults = new ArrayList<>();
		try (InputStream in = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			for (JsonNode property : JsonMapper.builder().build().readTree(in).get("properties")) {
				String name = property.get("name").asString();
				if (name.startsWith("sentinel.defaults.")) {
					defaults.add(name);
				}
			}
		}
		assertThat(defaults).hasSizeGreaterThan(50)
			.allSatisfy((name) -> assertThat(known(name.endsWith("default-headers") ? name + ".x" : name)).as(name)
				.isTrue());
	}

	@Test
	void relaxedFormsAreKnown() {
		assertThat(known("sentinel.defaults.pool.max-connections")).isTrue();
		assertThat(known("sentinel.defaults.pool.maxConnections")).isTrue();
		assertThat(known("sentinel.defaults.pool.max_connections")).isTrue();
		assertThat(known("sentinel.defaults.retry.statuses[3]")).isTrue();
		assertThat(known("sentinel.defaults.default-headers[X-Api.Key]")).isTrue();
		assertThat(known("sentinel.defaults.sse.resume.initial-delay")).isTrue();
		assertThat(known("sentinel.defaults.pool")).isFalse();
		assertThat(known("sentinel.defaults.default-headers")).isFalse();
		assertThat(known("sentinel.defaults.pool.max-connections[0]")).isFalse();
		assertThat(known("sentinel.defaults.pool.max.connections")).isFalse();
	}

	@Test
	void theKeysOfAListOfGroupsAreKnownUnderAnIndexAndSoIsAWholeElement() {
		assertThat(known("sentinel.defaults.endpoints")).isTrue();
		assertThat(known("sentinel.defaults.endpoints[0]")).isTrue();
		assertThat(known("sentinel.defaults.endpoints[0].url")).isTrue();
		assertThat(known("sentinel.defaults.endpoints[12].weight")).isTrue();
		assertThat(known("sentinel.defaults.endpoints.url")).isFalse();
		assertThat(known("sentinel.defaults.endpoints[0].colour")).isFalse();
		assertThat(known("sentinel.defaults.endpoints[0].url[1]")).isFalse();
		assertThat(nearest("sentinel.defaults.endpoints[3].wieght")).isEqualTo("endpoints[n].weight");
	}

	@Test
	void theLegacyFormOfAnEnvironmentVariableIsKnownOnlyFromEnvironmentVariables() {
		ConfigurationPropertyName legacy = ConfigurationPropertyName.of("sentinel.defaults.pool.max.connections");
		assertThat(this.clientKeys.contains(legacy, FROM, true)).isTrue();
		assertThat(this.clientKeys.contains(legacy, FROM, false)).isFalse();
	}

	@Test
	void theNearestKeyIsATypoAwayOrTheOneWithTheSameName() {
		assertThat(nearest("sentinel.defaults.pool.max-conections")).isEqualTo("pool.max-connections");
		assertThat(nearest("sentinel.defaults.timeouts.raed-idle")).isEqualTo("timeouts.read-idle");
		assertThat(nearest("sentinel.defaults.circuitbreaker.enabeld")).isEqualTo("circuit-breaker.enabled");
		assertThat(nearest("sentinel.defaults.pending-acquire-timeout")).isEqualTo("pool.pending-acquire-timeout");
		assertThat(nearest("sentinel.defaults.default-header.X-Api-Key")).isEqualTo("default-headers.X-Api-Key");
		assertThat(nearest("sentinel.defaults.favourite-colour")).isNull();
		assertThat(nearest("sentinel.defaults.enabled")).as("in several groups").isNull();
	}

	private boolean known(String name) {
		return this.clientKeys.contains(ConfigurationPropertyName.adapt(name, '.'), FROM, false);
	}

	private String nearest(String name) {
		return this.clientKeys.nearest(ConfigurationPropertyName.adapt(name, '.'), FROM);
	}

}
