package io.httpsentinel.client;

import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;

/**
 * Names whose values a client never shows (in logs, health details or the actuator
 * endpoint), on top of the built-in rules of {@link Redactor}. Names are compared
 * ignoring case. Inheriting adds names: a client's names join those of the defaults, so a
 * client can never un-redact a name. A {@code null} component means "inherit".
 *
 * @param headers header names to redact
 * @param queryParameters query parameter names to redact
 */
public record RedactionSettings(@Nullable Set<String> headers, @Nullable Set<String> queryParameters) {

	/**
	 * Built-in defaults: nothing beyond the built-in rules.
	 */
	public static final RedactionSettings DEFAULTS = new RedactionSettings(Set.of(), Set.of());

	/**
	 * Settings that inherit everything.
	 */
	public static final RedactionSettings INHERIT = new RedactionSettings(null, null);

	public RedactionSettings {
		headers = normalize("redact-headers", headers);
		queryParameters = normalize("redact-query-parameters", queryParameters);
	}

	private static @Nullable Set<String> normalize(String key, @Nullable Set<String> names) {
		if (names == null) {
			return null;
		}
		Set<String> lowerCase = new TreeSet<>();
		for (String name : names) {
			if (name == null || name.isBlank()) {
				throw new InvalidSettingException(key, name, "names must not be blank");
			}
			lowerCase.add(name.strip().toLowerCase(Locale.ROOT));
		}
		return Collections.unmodifiableSet(lowerCase);
	}

	/**
	 * Return settings holding the names of both.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public RedactionSettings orElse(RedactionSettings other) {
		return new RedactionSettings(union(this.headers, other.headers),
				union(this.queryParameters, other.queryParameters));
	}

	private static @Nullable Set<String> union(@Nullable Set<String> own, @Nullable Set<String> inherited) {
		if (own == null || inherited == null) {
			return (own != null) ? own : inherited;
		}
		Set<String> union = new TreeSet<>(inherited);
		union.addAll(own);
		return union;
	}

	public RedactionSettings withHeaders(@Nullable Set<String> headers) {
		return new RedactionSettings(headers, this.queryParameters);
	}

	public RedactionSettings withQueryParameters(@Nullable Set<String> queryParameters) {
		return new RedactionSettings(this.headers, queryParameters);
	}

}
