package io.httpsentinel.client;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpHeaders;

import io.httpsentinel.Internal;

/**
 * Hides secrets wherever Sentinel shows a request, a header or a URL: in the exchange
 * log, in health details and in the actuator endpoint. One instance per client.
 * <p>
 * A header or query parameter is secret when its name, split into words at {@code -},
 * {@code _}, {@code .} and lower-to-upper case changes, contains one of the words of
 * {@link #SECRET_WORDS} (so {@code Authorization}, {@code Proxy-Authorization},
 * {@code x-api-key}, {@code api-key}, {@code Cookie}, {@code Set-Cookie},
 * {@code X-Amz-Security-Token}, {@code key}, {@code api_key}, {@code apiKey},
 * {@code access_token}, {@code client_secret}, {@code sig} are, while
 * {@code x-ratelimit-remaining-tokens} or {@code max_tokens} are not), or when the
 * client's {@code redact-headers} / {@code redact-query-parameters} list it (ignoring
 * case). User info in a URL is always dropped, and so is a fragment.
 */
@Internal
public final class Redactor {

	/**
	 * What replaces a secret value.
	 */
	public static final String MASK = "******";

	/**
	 * Words that make a header or query parameter name secret.
	 */
	public static final Set<String> SECRET_WORDS = Set.of("apikey", "appid", "auth", "authorization", "bearer",
			"cookie", "credential", "credentials", "jwt", "key", "passwd", "password", "pwd", "secret", "session",
			"sessionid", "sig", "signature", "token");

	private static final Redactor BUILT_IN = new Redactor(RedactionSettings.DEFAULTS);

	private final Set<String> headers;

	private final Set<String> queryParameters;

	private Redactor(RedactionSettings settings) {
		this.headers = (settings.headers() != null) ? settings.headers() : Set.of();
		this.queryParameters = (settings.queryParameters() != null) ? settings.queryParameters() : Set.of();
	}

	/**
	 * A redactor applying the built-in rules and the given names.
	 * @param settings the names to redact on top of the built-in rules
	 * @return the redactor
	 */
	public static Redactor of(RedactionSettings settings) {
		return new Redactor(settings);
	}

	/**
	 * A redactor applying the built-in rules only.
	 * @return the redactor
	 */
	public static Redactor builtIn() {
		return BUILT_IN;
	}

	/**
	 * Whether a header's value is secret.
	 * @param name the header name
	 * @return whether to hide its value
	 */
	public boolean isSecretHeader(String name) {
		return this.headers.contains(name.toLowerCase(Locale.ROOT)) || hasSecretWord(name);
	}

	/**
	 * Whether a query parameter's value is secret.
	 * @param name the parameter name, decoded
	 * @return whether to hide its value
	 */
	public boolean isSecretQueryParameter(String name) {
		return this.queryParameters.contains(name.toLowerCase(Locale.ROOT)) || hasSecretWord(name);
	}

	/**
	 * A header's value as it may be shown.
	 * @param name the header name
	 * @param value the value
	 * @return the value, or {@link #MASK}
	 */
	public String headerValue(String name, String value) {
		return isSecretHeader(name) ? MASK : value;
	}

	/**
	 * Headers as they may be shown, in their order.
	 * @param headers the headers
	 * @return a copy with secret values replaced by {@link #MASK}
	 */
	public Map<String, List<String>> headers(HttpHeaders headers) {
		Map<String, List<String>> shown = new LinkedHashMap<>();
		headers.forEach((name, values) -> shown.put(name, isSecretHeader(name) ? List.of(MASK) : List.copyOf(values)));
		return shown;
	}

	/**
	 * A URL as it may be shown: no user info, no fragment, and the values of secret query
	 * parameters replaced by {@link #MASK}. The path is shown as it is.
	 * @param uri the URL
	 * @return the text to show
	 */
	public String uri(URI uri) {
		StringBuilder shown = new StringBuilder();
		if (uri.getScheme() != null) {
			shown.append(uri.getScheme()).append(':');
		}
		if (uri.getRawAuthority() != null) {
			shown.append("//").append(host(uri));
		}
		if (uri.getRawPath() != null) {
			shown.append(uri.getRawPath());
		}
		if (uri.getRawQuery() != null) {
			shown.append('?').append(query(uri.getRawQuery()));
		}
		return shown.toString();
	}

	/**
	 * The host of a URL, with its port when the URL names one, and never its user info.
	 * @param uri the URL
	 * @return the host, e.g. {@code api.example.com} or {@code 127.0.0.1:8081}
	 */
	public String host(URI uri) {
		String host = uri.getHost();
		if (host == null) {
			// Not a server-based authority; show nothing rather than guess.
			return "";
		}
		return (uri.getPort() != -1) ? host + ":" + uri.getPort() : host;
	}

	private String query(String rawQuery) {
		List<String> parameters = new ArrayList<>();
		for (String parameter : rawQuery.split("&", -1)) {
			int equals = parameter.indexOf('=');
			String rawName = (equals != -1) ? parameter.substring(0, equals) : parameter;
			if (equals != -1 && isSecretQueryParameter(decode(rawName))) {
				parameters.add(rawName + "=" + MASK);
			}
			else {
				parameters.add(parameter);
			}
		}
		return String.join("&", parameters);
	}

	private static String decode(String raw) {
		try {
			return URLDecoder.decode(raw, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			// Badly encoded: judge the name as written.
			return raw;
		}
	}

	private static boolean hasSecretWord(String name) {
		StringBuilder word = new StringBuilder();
		for (int i = 0; i < name.length(); i++) {
			char ch = name.charAt(i);
			if (!Character.isLetterOrDigit(ch) || startsWord(name, i)) {
				if (isSecretWord(word)) {
					return true;
				}
				word.setLength(0);
			}
			if (Character.isLetterOrDigit(ch)) {
				word.append(Character.toLowerCase(ch));
			}
		}
		return isSecretWord(word);
	}

	private static boolean isSecretWord(StringBuilder word) {
		return !word.isEmpty() && SECRET_WORDS.contains(word.toString());
	}

	/**
	 * Whether a new word starts at {@code i} by case alone: an upper case letter after a
	 * lower case one or a digit ({@code apiKey}), or the last of a run of upper case
	 * letters when a lower case one follows ({@code APIKey}).
	 */
	private static boolean startsWord(String name, int i) {
		if (i == 0 || !Character.isUpperCase(name.charAt(i))) {
			return false;
		}
		char previous = name.charAt(i - 1);
		if (Character.isLowerCase(previous) || Character.isDigit(previous)) {
			return true;
		}
		return Character.isUpperCase(previous) && i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
	}

}
