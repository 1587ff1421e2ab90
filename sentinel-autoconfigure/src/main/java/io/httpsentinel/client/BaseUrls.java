package io.httpsentinel.client;

import java.net.URI;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Finds the client a request URI belongs to: the one whose base URL has the URI's scheme,
 * host and port, and a path the URI's path is at or below (the longest such base path
 * when several clients share a host).
 */
final class BaseUrls {

	private BaseUrls() {
	}

	/**
	 * The client whose base URL covers the URI.
	 * @param uri the request URI
	 * @param clients the clients
	 * @return the client, or {@code null} when none covers it
	 */
	static @Nullable SentinelClient clientOf(@Nullable URI uri, SentinelClients clients) {
		if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
			return null;
		}
		SentinelClient owner = null;
		int ownerPathLength = -1;
		for (SentinelClient client : clients) {
			URI base = client.settings().logicalBaseUrl();
			if (base != null && sameOrigin(uri, base) && isAtOrBelow(path(uri), path(base))
					&& path(base).length() > ownerPathLength) {
				owner = client;
				ownerPathLength = path(base).length();
			}
		}
		return owner;
	}

	private static boolean sameOrigin(URI uri, URI base) {
		return base.getScheme().equalsIgnoreCase(uri.getScheme()) && base.getHost().equalsIgnoreCase(uri.getHost())
				&& port(base) == port(uri);
	}

	private static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return "https".equals(uri.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
	}

	private static String path(URI uri) {
		String path = uri.getRawPath();
		return (path != null) ? path : "";
	}

	private static boolean isAtOrBelow(String path, String basePath) {
		String prefix = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
		return path.equals(prefix) || path.startsWith(prefix + "/");
	}

}
