package io.httpsentinel.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.StreamUtils;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * An error status (4xx or 5xx) that reached the caller, the same for both
 * {@link ClientKind}s: {@code WebClientResponseException} and
 * {@code RestClientResponseException} become this, so that one assertion covers both.
 */
public final class ErrorStatus extends RuntimeException {

	private final int status;

	private final HttpHeaders headers;

	private final String body;

	private ErrorStatus(int status, HttpHeaders headers, String body, @Nullable Throwable cause) {
		super("status " + status + ": " + body, cause);
		this.status = status;
		this.headers = headers;
		this.body = body;
	}

	static ErrorStatus of(WebClientResponseException ex) {
		return new ErrorStatus(ex.getStatusCode().value(), ex.getHeaders(), ex.getResponseBodyAsString(), ex);
	}

	static ErrorStatus of(RestClientResponseException ex) {
		HttpHeaders headers = (ex.getResponseHeaders() != null) ? ex.getResponseHeaders() : new HttpHeaders();
		return new ErrorStatus(ex.getStatusCode().value(), headers, ex.getResponseBodyAsString(), ex);
	}

	static ErrorStatus of(ClientHttpResponse response) {
		try {
			String body = StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8);
			int status = response.getStatusCode().value();
			return new ErrorStatus(status, response.getHeaders(), body, null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int status() {
		return this.status;
	}

	public HttpHeaders headers() {
		return this.headers;
	}

	public String body() {
		return this.body;
	}

}
