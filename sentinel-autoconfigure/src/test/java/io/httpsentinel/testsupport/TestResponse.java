package io.httpsentinel.testsupport;

import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpHeaders;

/**
 * A successful response as a behaviour test sees it, whichever {@link ClientKind} made
 * the call.
 *
 * @param status the status code
 * @param headers the response headers
 * @param body the whole body (empty when there was none)
 */
public record TestResponse(int status, HttpHeaders headers, byte[] body) {

	/**
	 * The body as UTF-8 text.
	 * @return the text
	 */
	public String text() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

}
