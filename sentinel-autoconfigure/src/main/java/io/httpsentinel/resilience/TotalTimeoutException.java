package io.httpsentinel.resilience;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.SentinelTimeoutException;
import io.httpsentinel.SettingText;

/**
 * Thrown when a call, retries and waits included, ran past {@code timeouts.total}. The
 * attempt in flight is cancelled and its connection closed.
 */
public class TotalTimeoutException extends SentinelTimeoutException {

	public TotalTimeoutException(String clientName, Duration timeout, @Nullable Throwable cause) {
		super(clientName, "call did not complete within timeouts.total (" + SettingText.duration(timeout) + ")",
				timeout, cause);
	}

}
