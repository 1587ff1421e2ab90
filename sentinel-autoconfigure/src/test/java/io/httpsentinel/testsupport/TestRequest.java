package io.httpsentinel.testsupport;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import io.httpsentinel.resilience.RetryListener;

/**
 * One call as a behaviour test describes it, before a {@link ClientKind} turns it into a
 * {@code WebClient} or a {@code RestClient} call. Immutable: each {@code with} method
 * returns a copy.
 *
 * @param method the HTTP method
 * @param path the path, relative to the client's base URL
 * @param headers headers to send besides the client's default headers
 * @param cookies cookies to send, through the API's own cookie support
 * @param contentType the request body's content type, or {@code null} for the default
 * @param body a {@code String}, a {@code byte[]}, a form ({@code MultiValueMap}), a
 * {@link StreamedBody}, or {@code null} for none
 * @param listener a per-call retry listener, or {@code null}
 */
public record TestRequest(HttpMethod method, String path, HttpHeaders headers, MultiValueMap<String, String> cookies,
		@Nullable MediaType contentType, @Nullable Object body, @Nullable RetryListener listener) {

	public static TestRequest get(String path) {
		return of(HttpMethod.GET, path);
	}

	public static TestRequest post(String path, Object body) {
		return of(HttpMethod.POST, path).withBody(body);
	}

	public static TestRequest of(HttpMethod method, String path) {
		return new TestRequest(method, path, new HttpHeaders(), new LinkedMultiValueMap<>(), null, null, null);
	}

	public TestRequest withHeader(String name, String value) {
		HttpHeaders copy = new HttpHeaders();
		copy.addAll(this.headers);
		copy.add(name, value);
		return new TestRequest(this.method, this.path, copy, this.cookies, this.contentType, this.body, this.listener);
	}

	public TestRequest withCookie(String name, String value) {
		MultiValueMap<String, String> copy = new LinkedMultiValueMap<>();
		copy.addAll(this.cookies);
		copy.add(name, value);
		return new TestRequest(this.method, this.path, this.headers, copy, this.contentType, this.body, this.listener);
	}

	public TestRequest withContentType(MediaType contentType) {
		return new TestRequest(this.method, this.path, this.headers, this.cookies, contentType, this.body,
				this.listener);
	}

	public TestRequest withBody(Object body) {
		return new TestRequest(this.method, this.path, this.headers, this.cookies, this.contentType, body,
				this.listener);
	}

	public TestRequest withListener(RetryListener listener) {
		return new TestRequest(this.method, this.path, this.headers, this.cookies, this.contentType, this.body,
				listener);
	}

	/**
	 * A request body written part by part as the client sends it (a {@code Flux} for the
	 * {@code WebClient}, a {@code StreamingHttpOutputMessage.Body} for the
	 * {@code RestClient}), which cannot be sent a second time.
	 *
	 * @param parts the parts, in order
	 */
	public record StreamedBody(List<String> parts) {

		public static StreamedBody of(String... parts) {
			return new StreamedBody(List.of(parts));
		}

	}

}
