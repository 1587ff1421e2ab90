package io.httpsentinel.sse.proxy;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.http.HttpHeaders;

/**
 * Copies the upstream response headers a call asked for to the downstream response.
 * Hop-by-hop headers (RFC 9110 section 7.6.1: {@code Connection} and the headers it
 * names, {@code Keep-Alive}, {@code Proxy-*}, {@code TE}, {@code Trailer},
 * {@code Transfer-Encoding}, {@code Upgrade}) and the headers the proxy sets itself
 * ({@code Content-Type}, {@code Content-Length}, {@code Content-Encoding},
 * {@code Cache-Control}, {@code X-Accel-Buffering}) are never copied.
 */
final class ForwardedHeaders {

	private static final Set<String> NEVER = Set.of("connection", "keep-alive", "proxy-connection",
			"proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
			"content-type", "content-length", "content-encoding", "cache-control", "x-accel-buffering");

	private ForwardedHeaders() {
	}

	/**
	 * Whether a header may never be forwarded, whatever the call asks.
	 * @param name the header name
	 * @return whether it is never forwarded
	 */
	static boolean never(String name) {
		return NEVER.contains(name.toLowerCase(Locale.ROOT));
	}

	static void copy(HttpHeaders upstream, List<String> names, HttpHeaders downstream) {
		if (names.isEmpty()) {
			return;
		}
		List<String> connection = upstream.getConnection();
		for (String name : names) {
			if (never(name) || connection.stream().anyMatch(name::equalsIgnoreCase)) {
				continue;
			}
			List<String> values = upstream.get(name);
			if (values != null && !values.isEmpty()) {
				downstream.put(name, values);
			}
		}
	}

}
