package io.httpsentinel.testsupport;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;
import reactor.core.publisher.Flux;

import org.springframework.http.ResponseEntity;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.resilience.RetryListener;
import io.httpsentinel.testsupport.TestRequest.StreamedBody;

/**
 * The two ways to call through a {@link SentinelClient}, its {@code WebClient} and its
 * {@code RestClient}, behind one blocking test-side API, so that a behaviour test runs
 * the same assertions against both: use it as
 * {@code @ParameterizedTest @EnumSource(ClientKind.class)}.
 * <p>
 * Each call returns the response or throws what the caller of that API would see, with
 * one difference: an error status becomes an {@link ErrorStatus} for both kinds.
 * Sentinel's typed exceptions pass as they are.
 */
public enum ClientKind {

	/**
	 * {@link SentinelClient#webClient()}, blocked on by the test.
	 */
	WEB_CLIENT {

		@Override
		public TestResponse exchange(SentinelClient client, TestRequest request) {
			ResponseEntity<byte[]> entity = spec(client, request).retrieve()
				.toEntity(byte[].class)
				.onErrorMap(WebClientResponseException.class, ErrorStatus::of)
				.block(TIMEOUT);
			return response(entity);
		}

		@Override
		public void stream(SentinelClient client, TestRequest request, Predicate<String> chunks) {
			spec(client, request).retrieve()
				.bodyToFlux(byte[].class)
				.map((chunk) -> new String(chunk, StandardCharsets.UTF_8))
				// Stops (and cancels the body) after the chunk the consumer declined.
				.takeUntil((chunk) -> !chunks.test(chunk))
				.onErrorMap(WebClientResponseException.class, ErrorStatus::of)
				.blockLast(TIMEOUT);
		}

		@Override
		public Class<? extends RuntimeException> transportError() {
			return WebClientRequestException.class;
		}

		private WebClient.RequestHeadersSpec<?> spec(SentinelClient client, TestRequest request) {
			WebClient.RequestBodySpec spec = client.webClient()
				.method(request.method())
				.uri(request.path())
				.headers((headers) -> headers.addAll(request.headers()))
				.cookies((cookies) -> cookies.addAll(request.cookies()));
			if (request.listener() != null) {
				spec.attributes(RetryListener.forCall(request.listener()));
			}
			if (request.contentType() != null) {
				spec.contentType(request.contentType());
			}
			Object body = request.body();
			if (body == null) {
				return spec;
			}
			if (body instanceof StreamedBody streamed) {
				return spec.body(Flux.fromIterable(streamed.parts()), String.class);
			}
			return spec.bodyValue(body);
		}

	},

	/**
	 * {@link SentinelClient#restClient()}, called on the test's thread.
	 */
	REST_CLIENT {

		@Override
		public TestResponse exchange(SentinelClient client, TestRequest request) {
			try {
				return response(spec(client, request).retrieve().toEntity(byte[].class));
			}
			catch (RestClientResponseException ex) {
				throw ErrorStatus.of(ex);
			}
		}

		@Override
		public void stream(SentinelClient client, TestRequest request, Predicate<String> chunks) {
			spec(client, request).exchange((httpRequest, response) -> {
				if (response.getStatusCode().isError()) {
					throw ErrorStatus.of(response);
				}
				// Read as the bytes arrive; closing the body early cuts it off (closing
				// only the response would drain it first, as Spring's factories do).
				try (InputStream body = response.getBody()) {
					byte[] buffer = new byte[8192];
					for (int read = body.read(buffer); read != -1; read = body.read(buffer)) {
						if (!chunks.test(new String(buffer, 0, read, StandardCharsets.UTF_8))) {
							break;
						}
					}
				}
				return null;
			});
		}

		@Override
		public Class<? extends RuntimeException> transportError() {
			return ResourceAccessException.class;
		}

		private RestClient.RequestHeadersSpec<?> spec(SentinelClient client, TestRequest request) {
			RestClient.RequestBodySpec spec = client.restClient()
				.method(request.method())
				.uri(request.path())
				.headers((headers) -> headers.addAll(request.headers()))
				.cookies((cookies) -> cookies.addAll(request.cookies()));
			if (request.listener() != null) {
				spec.attributes(RetryListener.forCall(request.listener()));
			}
			if (request.contentType() != null) {
				spec.contentType(request.contentType());
			}
			Object body = request.body();
			if (body == null) {
				return spec;
			}
			if (body instanceof StreamedBody streamed) {
				return spec.body((OutputStream out) -> {
					for (String part : streamed.parts()) {
						out.write(part.getBytes(StandardCharsets.UTF_8));
						out.flush();
					}
				});
			}
			return spec.body(body);
		}

	};

	/**
	 * How long the test waits for a {@code WebClient} call at most; the
	 * {@code RestClient} returns on its own within the client's timeouts.
	 */
	static final Duration TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Make a call and read the whole body.
	 * @param client the client
	 * @param request the call
	 * @return the response, for a status below 400
	 * @throws ErrorStatus for an error status (after the pipeline's retries)
	 */
	public abstract TestResponse exchange(SentinelClient client, TestRequest request);

	/**
	 * Make a call and read its body chunk by chunk as it arrives, until it ends or the
	 * consumer declines a chunk (then the body is closed early).
	 * @param client the client
	 * @param request the call
	 * @param chunks gets each chunk as UTF-8 text; returns whether to read on
	 * @throws ErrorStatus for an error status
	 */
	public abstract void stream(SentinelClient client, TestRequest request, Predicate<String> chunks);

	/**
	 * The Spring exception a transport failure (refused, reset) reaches the caller as;
	 * its cause is the {@code IOException}.
	 * @return the exception type
	 */
	public abstract Class<? extends RuntimeException> transportError();

	/**
	 * {@code GET} a path and read the body as text.
	 * @param client the client
	 * @param path the path
	 * @return the body
	 */
	public String get(SentinelClient client, String path) {
		return exchange(client, TestRequest.get(path)).text();
	}

	/**
	 * {@code POST} a text body to a path and read the response body as text.
	 * @param client the client
	 * @param path the path
	 * @param body the request body
	 * @return the response body
	 */
	public String post(SentinelClient client, String path, String body) {
		return exchange(client, TestRequest.post(path, body)).text();
	}

	/**
	 * The other kind, for checks that one client's state is shared by both.
	 * @return the other kind
	 */
	public ClientKind other() {
		return (this == WEB_CLIENT) ? REST_CLIENT : WEB_CLIENT;
	}

	/**
	 * Every kind with every value, for a {@code @MethodSource} of a test that takes a
	 * kind and one more parameter.
	 * @param values the values
	 * @return the pairs
	 */
	public static Stream<Arguments> withEach(Object... values) {
		return Arrays.stream(values())
			.flatMap((kind) -> Arrays.stream(values).map((value) -> Arguments.of(kind, value)));
	}

	private static TestResponse response(ResponseEntity<byte[]> entity) {
		byte[] body = (entity.getBody() != null) ? entity.getBody() : new byte[0];
		return new TestResponse(entity.getStatusCode().value(), entity.getHeaders(), body);
	}

}
