package io.httpsentinel.client.pool;

import java.time.Duration;

import io.httpsentinel.SentinelTimeoutException;
import io.httpsentinel.SettingText;

/**
 * Thrown when no part of a response body arrived for {@code timeouts.read-idle}. The
 * connection is closed.
 */
public class ReadIdleTimeoutException extends SentinelTimeoutException {

	public ReadIdleTimeoutException(String clientName, Duration timeout) {
		super(clientName,
				"response body idle for longer than timeouts.read-idle (" + SettingText.duration(timeout) + ")",
				timeout, null);
	}

}
