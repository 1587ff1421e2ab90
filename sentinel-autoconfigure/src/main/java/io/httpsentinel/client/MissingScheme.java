package io.httpsentinel.client;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Recognises a base URL written without its scheme ({@code api.example.com},
 * {@code localhost:8080}, {@code 127.0.0.1:9099/v1}) and adds the likely one, so that the
 * startup failure can show the fix instead of {@link java.net.URI}'s "Illegal character
 * in scheme name".
 */
final class MissingScheme {

	/**
	 * A host (name, IPv4 or bracketed IPv6 address), perhaps a port, perhaps a path.
	 */
	private static final Pattern HOST_PORT_PATH = Pattern
		.compile("^(?<host>\\[[0-9A-Fa-f:.]+]|[\\p{Alnum}][\\p{Alnum}.-]*)(?::(?<port>\\d{1,5}))?(?:/.*)?$");

	private MissingScheme() {
	}

	/**
	 * The base URL with a scheme added, when it has none.
	 * @param baseUrl the base URL as written, stripped
	 * @return {@code http://} and the URL for a local host or a port other than 443 and
	 * 8443, {@code https://} and the URL otherwise; {@code null} when it has a scheme or
	 * is no host at all
	 */
	static @Nullable String added(String baseUrl) {
		Matcher matcher = HOST_PORT_PATH.matcher(baseUrl);
		if (baseUrl.contains("://") || !matcher.matches()) {
			return null;
		}
		String host = matcher.group("host");
		String port = matcher.group("port");
		boolean local = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
		boolean tlsPort = "443".equals(port) || "8443".equals(port);
		boolean plain = local ? !tlsPort : (port != null && !tlsPort);
		return (plain ? "http://" : "https://") + baseUrl;
	}

}
