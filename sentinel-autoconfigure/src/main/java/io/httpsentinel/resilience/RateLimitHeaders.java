package io.httpsentinel.resilience;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * Reads a provider's request quota from a response's headers: the requests left, when the
 * quota resets and, when given, the limit. Each of the three is looked up under its list
 * of header names, the first one present winning; a value is read by its shape (see
 * {@link RateLimitValues} for counts and resets, {@link StructuredRateLimit} for the IETF
 * structured fields), so any name may carry any provider's format. A malformed value is
 * skipped (the next name is tried), counted and logged at debug level: never an exception
 * on the call path.
 */
final class RateLimitHeaders {

	private static final Log logger = LogFactory.getLog(RateLimitHeaders.class);

	private final String[] remainingNames;

	private final String[] resetNames;

	private final String[] limitNames;

	private final AtomicLong malformed = new AtomicLong();

	RateLimitHeaders(List<String> remainingNames, List<String> resetNames, List<String> limitNames) {
		this.remainingNames = remainingNames.toArray(String[]::new);
		this.resetNames = resetNames.toArray(String[]::new);
		this.limitNames = limitNames.toArray(String[]::new);
	}

	/**
	 * A reader of the headers the settings name.
	 * @param settings the client's resolved pacing settings
	 * @return the reader
	 */
	static RateLimitHeaders of(AdaptivePacingSettings settings) {
		AdaptivePacingSettings names = settings.orElse(AdaptivePacingSettings.DEFAULTS);
		return new RateLimitHeaders(names.remainingHeaders(), names.resetHeaders(), names.limitHeaders());
	}

	/**
	 * Read the quota a response states.
	 * @param headers the response headers
	 * @param nowNanos the time now, in nanoseconds since the Unix epoch (to turn delays
	 * into instants)
	 * @return the quota, or {@code null} when the response states no remaining count or
	 * no reset that can be read
	 */
	@Nullable RateLimitQuota read(HttpHeaders headers, long nowNanos) {
		long remaining = RateLimitValues.NONE;
		long reset = RateLimitValues.NONE;
		String policyName = "";
		for (String name : this.remainingNames) {
			String value = headers.getFirst(name);
			if (value == null) {
				continue;
			}
			if (StructuredRateLimit.isStructured(value)) {
				StructuredRateLimit policy = StructuredRateLimit.lowest(value);
				if (policy != null) {
					remaining = policy.remaining();
					reset = policy.resetSeconds() >= 0 ? RateLimitValues.fromNumber(policy.resetSeconds(), nowNanos)
							: RateLimitValues.NONE;
					policyName = policy.name();
				}
			}
			else {
				remaining = RateLimitValues.count(value);
			}
			if (remaining != RateLimitValues.NONE) {
				break;
			}
			malformed(name, value);
		}
		if (remaining == RateLimitValues.NONE) {
			return null;
		}
		if (reset == RateLimitValues.NONE) {
			reset = reset(headers, nowNanos);
		}
		long limit = RateLimitValues.NONE;
		for (String name : this.limitNames) {
			String value = headers.getFirst(name);
			if (value == null) {
				continue;
			}
			if (StructuredRateLimit.isStructured(value)) {
				StructuredRateLimit policy = StructuredRateLimit.named(value, policyName);
				if (policy != null) {
					limit = policy.quota();
					if (reset == RateLimitValues.NONE && policy.windowSeconds() >= 0) {
						// No reset given: the quota is back at the latest a window from
						// now.
						reset = RateLimitValues.fromNumber(policy.windowSeconds(), nowNanos);
					}
				}
			}
			else {
				limit = RateLimitValues.count(value);
			}
			if (limit != RateLimitValues.NONE) {
				break;
			}
			malformed(name, value);
		}
		return (reset != RateLimitValues.NONE) ? new RateLimitQuota(remaining, reset, limit) : null;
	}

	private long reset(HttpHeaders headers, long nowNanos) {
		for (String name : this.resetNames) {
			String value = headers.getFirst(name);
			if (value == null) {
				continue;
			}
			long reset;
			if (StructuredRateLimit.isStructured(value)) {
				StructuredRateLimit policy = StructuredRateLimit.lowest(value);
				if (policy != null && Double.isNaN(policy.resetSeconds())) {
					// A policy without "t" is not malformed: the policy's window may do.
					continue;
				}
				reset = (policy != null) ? RateLimitValues.fromNumber(policy.resetSeconds(), nowNanos)
						: RateLimitValues.NONE;
			}
			else {
				reset = RateLimitValues.reset(value, nowNanos);
			}
			if (reset != RateLimitValues.NONE) {
				return reset;
			}
			malformed(name, value);
		}
		return RateLimitValues.NONE;
	}

	/**
	 * How many values could not be read since this reader was made.
	 * @return the count
	 */
	long malformedCount() {
		return this.malformed.get();
	}

	private void malformed(String name, String value) {
		this.malformed.incrementAndGet();
		if (logger.isDebugEnabled()) {
			logger.debug("Ignored rate-limit header " + name + ": cannot read '" + value + "'");
		}
	}

}
