package io.httpsentinel.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Outlier ejection of a client with several backends, after Envoy's: a backend failing
 * several times in a row leaves the choice for a while.
 */
public class OutlierDetectionProperties {

	/**
	 * Whether backends that keep failing are ejected.
	 */
	private @Nullable Boolean enabled;

	/**
	 * 5xx responses and gateway failures in a row that eject a backend. A 429 is not a
	 * failure: quota is not health.
	 */
	private @Nullable Integer consecutive5xx;

	/**
	 * Gateway failures in a row (502, 503, 504, connect errors, resets, timeouts) that
	 * eject a backend.
	 */
	private @Nullable Integer consecutiveGatewayFailures;

	/**
	 * How long a first ejection lasts; the n-th in a row lasts n times as long.
	 */
	private @Nullable Duration baseEjectionTime;

	/**
	 * Longest an ejection lasts.
	 */
	private @Nullable Duration maxEjectionTime;

	/**
	 * Most backends ejected at once, in percent of the backends; at least one is allowed
	 * when there are two or more, none when 0.
	 */
	private @Nullable Integer maxEjectionPercent;

	public @Nullable Boolean getEnabled() {
		return this.enabled;
	}

	public void setEnabled(@Nullable Boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Integer getConsecutive5xx() {
		return this.consecutive5xx;
	}

	public void setConsecutive5xx(@Nullable Integer consecutive5xx) {
		this.consecutive5xx = consecutive5xx;
	}

	public @Nullable Integer getConsecutiveGatewayFailures() {
		return this.consecutiveGatewayFailures;
	}

	public void setConsecutiveGatewayFailures(@Nullable Integer consecutiveGatewayFailures) {
		this.consecutiveGatewayFailures = consecutiveGatewayFailures;
	}

	public @Nullable Duration getBaseEjectionTime() {
		return this.baseEjectionTime;
	}

	public void setBaseEjectionTime(@Nullable Duration baseEjectionTime) {
		this.baseEjectionTime = baseEjectionTime;
	}

	public @Nullable Duration getMaxEjectionTime() {
		return this.maxEjectionTime;
	}

	public void setMaxEjectionTime(@Nullable Duration maxEjectionTime) {
		this.maxEjectionTime = maxEjectionTime;
	}

	public @Nullable Integer getMaxEjectionPercent() {
		return this.maxEjectionPercent;
	}

	public void setMaxEjectionPercent(@Nullable Integer maxEjectionPercent) {
		this.maxEjectionPercent = maxEjectionPercent;
	}

}
