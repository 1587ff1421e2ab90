package io.httpsentinel.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Finds the keys under {@code sentinel.defaults}, {@code sentinel.clients.<name>},
 * {@code sentinel.sse} and {@code sentinel.redis} that no property binds, which Spring
 * Boot would ignore: a typo there would leave the client on a default without a word.
 * Other {@code sentinel.*} groups are left alone: they are bound by other classes
 * ({@code sentinel.web}) or are no properties of Sentinel at all.
 */
final class UnknownPropertiesCheck {

	private static final PropertyKeys CLIENT_KEYS = PropertyKeys.of(ClientProperties.class);

	private static final List<Group> GROUPS = List.of(new Group("sentinel.defaults", false, CLIENT_KEYS),
			new Group("sentinel.clients", true, CLIENT_KEYS),
			new Group("sentinel.sse", false, PropertyKeys.of(SseProxyProperties.class)),
			new Group("sentinel.redis", false, PropertyKeys.of(SentinelRedisProperties.class)));

	private UnknownPropertiesCheck() {
	}

	/**
	 * Fail on the keys of the environment that Sentinel does not know.
	 * @param environment the environment
	 * @throws UnknownConfigurationPropertiesException listing each with its nearest known
	 * key
	 */
	static void check(Environment environment) {
		Map<ConfigurationPropertyName, String> unknown = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				boolean environmentVariables = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
				for (ConfigurationPropertyName name : iterable) {
					String description = unknown.containsKey(name) ? null
							: describeIfUnknown(source, name, environmentVariables);
					if (description != null) {
						unknown.put(name, description);
					}
				}
			}
		}
		if (!unknown.isEmpty()) {
			throw new UnknownConfigurationPropertiesException(new ArrayList<>(unknown.values()));
		}
	}

	private static @Nullable String describeIfUnknown(ConfigurationPropertySource source,
			ConfigurationPropertyName name, boolean environmentVariable) {
		for (Group group : GROUPS) {
			if (group.root.isAncestorOf(name)) {
				int from = group.root.getNumberOfElements() + (group.perClient ? 1 : 0);
				if (name.getNumberOfElements() <= from || group.keys.contains(name, from, environmentVariable)) {
					return null;
				}
				return describe(group, source.getConfigurationProperty(name), name, from);
			}
		}
		return null;
	}

	private static String describe(Group group, @Nullable ConfigurationProperty property,
			ConfigurationPropertyName name, int from) {
		StringBuilder description = new StringBuilder("'").append(name).append("'");
		if (group.perClient) {
			description.append(" of client '").append(name.getElement(from - 1, Form.ORIGINAL)).append("'");
		}
		if (property != null && property.getOrigin() != null) {
			description.append(" (from ").append(property.getOrigin()).append(")");
		}
		String nearest = group.keys.nearest(name, from);
		if (nearest != null) {
			description.append(": did you mean '").append(nearest).append("'?");
		}
		return description.toString();
	}

	private record Group(ConfigurationPropertyName root, boolean perClient, PropertyKeys keys) {

		Group(String root, boolean perClient, PropertyKeys keys) {
			this(ConfigurationPropertyName.of(root), perClient, keys);
		}

	}

}
