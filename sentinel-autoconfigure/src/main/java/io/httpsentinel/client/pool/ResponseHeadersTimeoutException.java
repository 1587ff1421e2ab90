package io.httpsentinel.client.pool;

import java.time.Duration;

import io.httpsentinel.SentinelTimeoutException;
import io.httpsentinel.SettingText;

/**
 * Thrown when the response headers did not arrive within
 * {@code timeouts.response-headers} of the request being sent. The connection is closed.
 */
public class ResponseHeadersTimeoutException extends SentinelTimeoutException {

	public ResponseHeadersTimeoutException(String clientName, Duration timeout) {
		super(clientName,
				"no response headers within timeouts.response-headers (" + SettingText.duration(timeout) + ")", timeout,
				null);
	}

}
