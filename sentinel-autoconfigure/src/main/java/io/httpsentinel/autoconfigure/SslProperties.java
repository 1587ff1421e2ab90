package io.httpsentinel.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * TLS. Server certificates are verified against the JVM's trust store unless an SSL
 * bundle is named.
 */
public class SslProperties {

	/**
	 * Name of a Spring Boot SSL bundle ('spring.ssl.bundle.*') with the trust store and,
	 * for mutual TLS, the client key.
	 */
	private @Nullable String bundle;

	/**
	 * Whether to trust every server certificate without verification. Local development
	 * only; logs a warning at startup.
	 */
	private @Nullable Boolean insecureTrustAll;

	public @Nullable String getBundle() {
		return this.bundle;
	}

	public void setBundle(@Nullable String bundle) {
		this.bundle = bundle;
	}

	public @Nullable Boolean getInsecureTrustAll() {
		return this.insecureTrustAll;
	}

	public void setInsecureTrustAll(@Nullable Boolean insecureTrustAll) {
		this.insecureTrustAll = insecureTrustAll;
	}

}
