package io.httpsentinel;

import org.jspecify.annotations.Nullable;

import org.springframework.web.reactive.function.client.WebClientException;

/**
 * Base of the errors Sentinel raises. Each names the client it happened on, so that a log
 * line alone tells which upstream misbehaved.
 * <p>
 * It extends {@link WebClientException} so that {@code WebClient.retrieve()} hands it to
 * the caller as it is, instead of wrapping it in a {@code WebClientResponseException}.
 */
public class SentinelException extends WebClientException {

	private final String clientName;

	public SentinelException(String clientName, String message, @Nullable Throwable cause) {
		super("Sentinel client '" + clientName + "': " + message, cause);
		this.clientName = clientName;
	}

	/**
	 * Name of the client the error happened on.
	 * @return the client name
	 */
	public String clientName() {
		return this.clientName;
	}

}
