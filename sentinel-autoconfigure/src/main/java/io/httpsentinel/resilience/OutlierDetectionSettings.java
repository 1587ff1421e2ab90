package io.httpsentinel.resilience;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.InvalidSettingException;
import io.httpsentinel.SettingChecks;

/**
 * Outlier ejection for a client with several backends, after Envoy's outlier detection: a
 * backend that fails several times in a row is taken out of the choice for a while. Every
 * component may be {@code null}, meaning "inherit".
 *
 * @param enabled whether backends are ejected at all
 * @param consecutive5xx 5xx responses and gateway failures in a row that eject a backend
 * @param consecutiveGatewayFailures gateway failures in a row (502, 503, 504, connect
 * errors, resets, timeouts) that eject a backend
 * @param baseEjectionTime how long a first ejection lasts; the n-th lasts n times as long
 * @param maxEjectionTime the longest an ejection lasts
 * @param maxEjectionPercent the most backends ejected at once, as a percentage of the
 * backends (at least one when there are two or more; none when 0)
 */
public record OutlierDetectionSettings(@Nullable Boolean enabled, @Nullable Integer consecutive5xx,
		@Nullable Integer consecutiveGatewayFailures, @Nullable Duration baseEjectionTime,
		@Nullable Duration maxEjectionTime, @Nullable Integer maxEjectionPercent) {

	/**
	 * Settings that inherit everything.
	 */
	public static final OutlierDetectionSettings INHERIT = new OutlierDetectionSettings(null, null, null, null, null,
			null);

	/**
	 * Built-in defaults: on; 5 failures in a row (Envoy's); 30s, growing to 5 minutes
	 * (Envoy's); at most half the backends.
	 */
	public static final OutlierDetectionSettings DEFAULTS = new OutlierDetectionSettings(true, 5, 5,
			Duration.ofSeconds(30), Duration.ofMinutes(5), 50);

	public OutlierDetectionSettings {
		SettingChecks.positive("outlier-detection.consecutive-5xx", consecutive5xx);
		SettingChecks.positive("outlier-detection.consecutive-gateway-failures", consecutiveGatewayFailures);
		SettingChecks.positive("outlier-detection.base-ejection-time", baseEjectionTime);
		SettingChecks.positive("outlier-detection.max-ejection-time", maxEjectionTime);
		if (maxEjectionPercent != null && (maxEjectionPercent < 0 || maxEjectionPercent > 100)) {
			throw new InvalidSettingException("outlier-detection.max-ejection-percent", maxEjectionPercent,
					"must be between 0 and 100");
		}
	}

	public OutlierDetectionSettings orElse(OutlierDetectionSettings other) {
		return new OutlierDetectionSettings(SettingChecks.pick(this.enabled, other.enabled),
				SettingChecks.pick(this.consecutive5xx, other.consecutive5xx),
				SettingChecks.pick(this.consecutiveGatewayFailures, other.consecutiveGatewayFailures),
				SettingChecks.pick(this.baseEjectionTime, other.baseEjectionTime),
				SettingChecks.pick(this.maxEjectionTime, other.maxEjectionTime),
				SettingChecks.pick(this.maxEjectionPercent, other.maxEjectionPercent));
	}

	/**
	 * Whether backends are ejected. Call on resolved settings.
	 * @return {@code true} when on
	 */
	public boolean isEnabled() {
		return Boolean.TRUE.equals(this.enabled) && this.maxEjectionPercent != null && this.maxEjectionPercent > 0;
	}

	/**
	 * Check the rules that span several settings. Call on resolved settings.
	 * @throws InvalidSettingException naming the offending key
	 */
	public void checkConsistent() {
		if (this.baseEjectionTime != null && this.maxEjectionTime != null
				&& this.maxEjectionTime.compareTo(this.baseEjectionTime) < 0) {
			throw new InvalidSettingException("outlier-detection.max-ejection-time", this.maxEjectionTime,
					"must not be shorter than outlier-detection.base-ejection-time (" + this.baseEjectionTime + ")");
		}
	}

}
