package io.httpsentinel.client.pool;

import java.net.URI;
import java.util.Collection;

import io.httpsentinel.Internal;

/**
 * Which schemes a client's requests may use, which decides how its HTTP client is set up
 * for TLS: plain HTTP only, TLS only, or either per request (backends of both schemes, or
 * a service whose instances are found at run time).
 */
@Internal
public enum TransportSecurity {

	/**
	 * Only {@code http://}: no TLS is set up.
	 */
	PLAIN,

	/**
	 * Only {@code https://}.
	 */
	TLS,

	/**
	 * Either, decided per request by its URL's scheme. TLS is set up, and Reactor Netty
	 * drops it for an {@code http://} request, at the cost of a copy of the client's
	 * configuration on each request whose scheme does not match (see
	 * {@code HttpClientConnect.MonoHttpConnect}).
	 */
	EITHER;

	/**
	 * The security of requests to one URL: its scheme's, or {@link #EITHER} for a URL
	 * whose scheme names no transport ({@code lb://service}, resolved per request).
	 * @param url the URL
	 * @return the security
	 */
	public static TransportSecurity of(URI url) {
		String scheme = url.getScheme();
		if ("https".equalsIgnoreCase(scheme)) {
			return TLS;
		}
		return "http".equalsIgnoreCase(scheme) ? PLAIN : EITHER;
	}

	/**
	 * The security of requests to several URLs.
	 * @param urls the URLs, at least one
	 * @return {@link #PLAIN} or {@link #TLS} when all agree, {@link #EITHER} otherwise
	 */
	public static TransportSecurity of(Collection<URI> urls) {
		TransportSecurity security = null;
		for (URI url : urls) {
			TransportSecurity one = of(url);
			security = (security == null || security == one) ? one : EITHER;
		}
		if (security == null) {
			throw new IllegalArgumentException("No URL");
		}
		return security;
	}

}
