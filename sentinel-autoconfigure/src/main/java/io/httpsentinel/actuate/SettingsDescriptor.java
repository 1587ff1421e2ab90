package io.httpsentinel.actuate;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

import io.httpsentinel.SettingText;
import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.Redactor;

/**
 * Resolved {@link ClientSettings} as readable, stable JSON: keyed by the property names a
 * user writes under {@code sentinel.clients.<name>} ({@code max-connections},
 * {@code log-body-limit}), durations and sizes in Spring Boot's notation ({@code 30s},
 * {@code 10MB}), enums in lower case. Secrets never show: values of secret default
 * headers (see {@link Redactor}), secret query parameters of the base URL, and any
 * setting whose name holds one of {@link #SECRET_SETTING_WORDS} are replaced by
 * {@link Redactor#MASK}. Unset settings (such as no rate limit) are {@code null}, which
 * the actuator leaves out of its JSON.
 * <p>
 * The settings records are walked generically, so that settings added later show up
 * without a change here; only the few whose property names differ from the record
 * structure are mapped by hand.
 */
public final class SettingsDescriptor {

	/**
	 * Words that make a setting secret wherever they appear in its name.
	 */
	static final Set<String> SECRET_SETTING_WORDS = Set.of("password", "secret", "token", "credential", "credentials");

	private SettingsDescriptor() {
	}

	/**
	 * Describe resolved settings.
	 * @param settings the settings
	 * @return the description, in the order of the settings records
	 */
	public static Map<String, Object> describe(ClientSettings settings) {
		Redactor redactor = Redactor.of(settings.redaction());
		Map<String, Object> described = describeRecord(settings, redactor);
		// Derived from the response-headers timeout when not set: show what applies.
		describedMap(described, "circuit-breaker").put("sliding-window", SettingText
			.duration(settings.circuitBreaker().slidingWindowFor(settings.timeouts().responseHeaders())));
		// Properties 'log' and 'log-body-limit' fill one record, as do 'redact-*'.
		Map<String, Object> log = describedMap(described, "log");
		described.remove("log");
		described.put("log", log.get("level"));
		described.put("log-body-limit", log.get("body-limit"));
		Map<String, Object> redaction = describedMap(described, "redaction");
		described.remove("redaction");
		described.put("redact-headers", redaction.get("headers"));
		described.put("redact-query-parameters", redaction.get("query-parameters"));
		// Keep health last, as in the properties.
		described.put("health", described.remove("health"));
		return withBackendsAfterBaseUrl(described);
	}

	/**
	 * Properties 'endpoints', 'outlier-detection' and 'pause-scope' fill one record; they
	 * go next to 'base-url', which they replace or qualify.
	 */
	private static Map<String, Object> withBackendsAfterBaseUrl(Map<String, Object> described) {
		Map<String, Object> backends = describedMap(described, "backends");
		described.remove("backends");
		// A record component cannot be named like the property 'consecutive-5xx'.
		Map<String, Object> outlierDetection = new LinkedHashMap<>();
		describedMap(backends, "outlier-detection").forEach(
				(key, value) -> outlierDetection.put(key.equals("consecutive5xx") ? "consecutive-5xx" : key, value));
		backends.put("outlier-detection", outlierDetection);
		Map<String, Object> ordered = new LinkedHashMap<>();
		described.forEach((key, value) -> {
			ordered.put(key, value);
			if (key.equals("base-url")) {
				ordered.putAll(backends);
			}
		});
		return ordered;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> describedMap(Map<String, Object> described, String key) {
		return (Map<String, Object>) described.get(key);
	}

	private static Map<String, Object> describeRecord(Record record, Redactor redactor) {
		Map<String, Object> described = new LinkedHashMap<>();
		for (RecordComponent component : record.getClass().getRecordComponents()) {
			String key = kebabCase(component.getName());
			described.put(key, describeValue(key, read(component, record), redactor));
		}
		return described;
	}

	private static @Nullable Object read(RecordComponent component, Record record) {
		try {
			return component.getAccessor().invoke(record);
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException("Cannot read setting " + component.getName(), ex);
		}
	}

	private static @Nullable Object describeValue(String key, @Nullable Object value, Redactor redactor) {
		if (value == null) {
			return null;
		}
		if (isSecretSetting(key)) {
			return Redactor.MASK;
		}
		if (value instanceof Record record) {
			return describeRecord(record, redactor);
		}
		if (value instanceof Map<?, ?> map) {
			// default-headers: the one map of the settings, and where API keys live.
			Map<String, Object> headers = new LinkedHashMap<>();
			map.forEach((name, headerValue) -> headers.put(String.valueOf(name),
					redactor.headerValue(String.valueOf(name), String.valueOf(headerValue))));
			return headers;
		}
		if (value instanceof Collection<?> collection) {
			List<Object> items = new ArrayList<>();
			collection.forEach((item) -> items.add(describeValue(key, item, redactor)));
			// Sets (retry statuses, redacted names) have no order of their own.
			if (collection instanceof Set<?>) {
				items.sort(Comparator.comparing(String::valueOf));
			}
			return items;
		}
		if (value instanceof Duration duration) {
			return SettingText.duration(duration);
		}
		if (value instanceof DataSize size) {
			return SettingText.dataSize(size);
		}
		if (value instanceof URI uri) {
			return redactor.uri(uri);
		}
		if (value instanceof Enum<?> constant) {
			return constant.name().toLowerCase(Locale.ROOT);
		}
		return value;
	}

	private static boolean isSecretSetting(String key) {
		for (String word : key.split("-")) {
			if (SECRET_SETTING_WORDS.contains(word)) {
				return true;
			}
		}
		return false;
	}

	private static String kebabCase(String name) {
		StringBuilder kebab = new StringBuilder();
		for (char ch : name.toCharArray()) {
			if (Character.isUpperCase(ch)) {
				kebab.append('-').append(Character.toLowerCase(ch));
			}
			else {
				kebab.append(ch);
			}
		}
		return kebab.toString();
	}

}
