package io.httpsentinel.autoconfigure.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Sentinel's integration with the application's web layer ({@code sentinel.web.*}).
 */
@ConfigurationProperties("sentinel.web")
public class SentinelWebProperties {

	private final ProblemDetails problemDetails = new ProblemDetails();

	public ProblemDetails getProblemDetails() {
		return this.problemDetails;
	}

	/**
	 * How Sentinel's errors that reach a controller are answered.
	 */
	public static class ProblemDetails {

		/**
		 * Whether Sentinel's errors that no handler of the application handles are
		 * answered as RFC 9457 problem details (503 with Retry-After, 504, 502) instead
		 * of the application's default error response (500).
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
