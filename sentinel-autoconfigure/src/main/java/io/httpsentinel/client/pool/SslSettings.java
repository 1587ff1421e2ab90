package io.httpsentinel.client.pool;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * TLS settings of one client. Without any, the JVM's default trust store verifies the
 * server. Every component may be {@code null}, meaning "inherit".
 *
 * @param bundle name of a Spring Boot SSL bundle ({@code spring.ssl.bundle.*}) holding
 * the trust store and, for mutual TLS, the client key
 * @param insecureTrustAll whether to trust every server certificate without verification.
 * For local development only: it disables the protection TLS gives
 */
public record SslSettings(@Nullable String bundle, @Nullable Boolean insecureTrustAll) {

	/**
	 * Built-in defaults: no bundle, certificates verified.
	 */
	public static final SslSettings DEFAULTS = new SslSettings(null, false);

	/**
	 * Settings that inherit everything.
	 */
	public static final SslSettings INHERIT = new SslSettings(null, null);

	public SslSettings {
		if (bundle != null && bundle.isBlank()) {
			throw new InvalidSettingException("ssl.bundle", bundle, "must not be blank");
		}
	}

	/**
	 * Return settings where every {@code null} component is taken from {@code other}.
	 * @param other the settings to inherit from
	 * @return the combined settings
	 */
	public SslSettings orElse(SslSettings other) {
		return new SslSettings(SettingChecks.pick(this.bundle, other.bundle),
				SettingChecks.pick(this.insecureTrustAll, other.insecureTrustAll));
	}

	/**
	 * Whether every certificate is trusted; {@code false} when not set.
	 * @return whether verification is off
	 */
	public boolean trustsAll() {
		return Boolean.TRUE.equals(this.insecureTrustAll);
	}

	public void checkConsistent() {
		if (this.bundle != null && trustsAll()) {
			throw new InvalidSettingException("ssl.insecure-trust-all", true,
					"cannot be combined with ssl.bundle ('" + this.bundle + "'): choose one");
		}
	}

}
