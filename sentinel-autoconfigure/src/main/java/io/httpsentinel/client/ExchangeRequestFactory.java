package io.httpsentinel.client;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.AbstractStreamingClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.StreamUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import io.httpsentinel.resilience.FailureKind;
import io.httpsentinel.resilience.ResponseTooLargeException;
import io.httpsentinel.resilience.StreamingContentTypes;

/**
 * The request factory of a client's {@code RestClient}: runs each call through the same
 * exchange as the client's {@code WebClient} (the same pipeline on the same pool) and
 * blocks the calling thread, platform or virtual, until the response headers arrive. The
 * body is read as it arrives, never buffered whole here; a body that is not a stream is
 * limited to {@code max-response-size}, as the {@code WebClient}'s codecs limit it.
 * <p>
 * The request body is buffered (as for Spring's own buffering factories), so that a retry
 * can send it again; a request without a body costs no buffer. Errors reach the caller as
 * the {@code RestClient} contract has them: an I/O error is thrown as the
 * {@link IOException} it is (the {@code RestClient} wraps it in a
 * {@code ResourceAccessException}), Sentinel's typed errors as they are.
 */
final class ExchangeRequestFactory implements ClientHttpRequestFactory {

	/** Buffers the body's input stream asks for ahead of the reader. */
	private static final int PREFETCH = 8;

	private final String clientName;

	private final ExchangeFunction exchange;

	private final DataSize maxResponseSize;

	ExchangeRequestFactory(String clientName, ExchangeFunction exchange, long maxResponseSize) {
		this.clientName = clientName;
		this.exchange = exchange;
		this.maxResponseSize = DataSize.ofBytes(maxResponseSize);
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod method) {
		return new ExchangeRequest(uri, method);
	}

	/**
	 * The error to throw for an exchange that failed: an I/O error as the I/O error the
	 * {@code RestClient} contract expects, naming the client (the request's URI and the
	 * transport's own error stay in its causes); any other as {@link #unwrap} has it.
	 */
	private Exception exchangeFailed(RuntimeException error) {
		Throwable cause = Exceptions.unwrap(error);
		if (cause instanceof WebClientRequestException requestError) {
			if (requestError.getCause() instanceof IOException io) {
				return new UpstreamIOException(this.clientName, io.getMessage(), requestError);
			}
			// Netty's decoder reports bytes that are not HTTP as an
			// IllegalArgumentException: an I/O error for the caller, not a bug of theirs.
			if (FailureKind.of(requestError) == FailureKind.INVALID_RESPONSE) {
				return new UpstreamIOException(this.clientName, "invalid response: " + requestError.getMessage(),
						requestError);
			}
		}
		return unwrap(error);
	}

	private static IOException interrupted(InterruptedException ex) {
		Thread.currentThread().interrupt();
		InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting for the response");
		interrupted.initCause(ex);
		return interrupted;
	}

	/**
	 * The error to throw for an error of the exchange or of reading the body: the I/O
	 * error behind Reactor's and {@code WebClient}'s wrappers, or the error itself.
	 */
	static Exception unwrap(RuntimeException error) {
		Throwable cause = Exceptions.unwrap(error);
		if (cause instanceof WebClientRequestException requestError && requestError.getCause() != null) {
			cause = requestError.getCause();
		}
		if (cause instanceof InterruptedException ex) {
			return interrupted(ex);
		}
		if (cause instanceof IOException || cause instanceof RuntimeException) {
			return (Exception) cause;
		}
		return error;
	}

	private static BodyInserter<byte[], org.springframework.http.client.reactive.ClientHttpRequest> bytes(byte[] body) {
		// A single buffer, wrapped afresh for every attempt: the body can be sent again.
		return (message, context) -> message.writeWith(Mono.fromSupplier(() -> message.bufferFactory().wrap(body)));
	}

	private static IOException rethrow(Exception error) {
		if (error instanceof IOException io) {
			return io;
		}
		throw (RuntimeException) error;
	}

	/**
	 * One call: its headers and buffered body become a {@link ClientRequest}.
	 */
	private final class ExchangeRequest extends AbstractStreamingClientHttpRequest {

		private final URI uri;

		private final HttpMethod method;

		ExchangeRequest(URI uri, HttpMethod method) {
			this.uri = uri;
			this.method = method;
		}

		@Override
		public HttpMethod getMethod() {
			return this.method;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

		@Override
		protected ClientHttpResponse executeInternal(HttpHeaders headers, @Nullable Body body) throws IOException {
			ClientRequest.Builder request = ClientRequest.create(this.method, this.uri)
				.headers((target) -> target.addAll(headers));
			Map<String, Object> attributes = getAttributes();
			if (!attributes.isEmpty()) {
				request.attributes((target) -> target.putAll(attributes));
			}
			if (body != null) {
				// Buffered, so that a retry can send it again.
				ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
				body.writeTo(buffer);
				byte[] bytes = buffer.toByteArray();
				if (headers.getContentLength() < 0) {
					request.headers((target) -> target.setContentLength(bytes.length));
				}
				request.body(bytes(bytes));
			}
			ClientResponse response;
			try {
				response = ExchangeRequestFactory.this.exchange.exchange(request.build()).block();
			}
			catch (RuntimeException ex) {
				throw rethrow(exchangeFailed(ex));
			}
			if (response == null) {
				throw new IOException("no response");
			}
			return new ExchangeResponse(response);
		}

	}

	/**
	 * The response, its body read from the exchange's buffers as the caller reads.
	 */
	private final class ExchangeResponse implements ClientHttpResponse {

		private final ClientResponse response;

		private final boolean stream;

		private @Nullable InputStream body;

		ExchangeResponse(ClientResponse response) {
			this.response = response;
			this.stream = StreamingContentTypes
				.isStream(response.headers().asHttpHeaders().getFirst(HttpHeaders.CONTENT_TYPE));
		}

		@Override
		public HttpStatusCode getStatusCode() {
			return this.response.statusCode();
		}

		@Override
		public String getStatusText() {
			HttpStatus status = HttpStatus.resolve(this.response.statusCode().value());
			return (status != null) ? status.getReasonPhrase() : "";
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.response.headers().asHttpHeaders();
		}

		@Override
		public InputStream getBody() {
			InputStream body = this.body;
			if (body == null) {
				Flux<DataBuffer> buffers = this.response.body(BodyExtractors.toDataBuffers());
				if (!this.stream) {
					buffers = limited(buffers);
				}
				AtomicLong arrived = new AtomicLong();
				buffers = buffers.doOnNext((buffer) -> arrived.addAndGet(buffer.readableByteCount()));
				body = new BodyStream(DataBufferUtils.subscriberInputStream(buffers, PREFETCH), arrived);
				this.body = body;
			}
			return body;
		}

		private Flux<DataBuffer> limited(Flux<DataBuffer> buffers) {
			long limit = ExchangeRequestFactory.this.maxResponseSize.toBytes();
			return Flux.defer(() -> {
				long[] read = new long[1];
				return buffers.handle((buffer, sink) -> {
					read[0] += buffer.readableByteCount();
					if (read[0] > limit) {
						DataBufferUtils.release(buffer);
						sink.error(new ResponseTooLargeException(ExchangeRequestFactory.this.clientName,
								ExchangeRequestFactory.this.maxResponseSize,
								new DataBufferLimitException("Exceeded limit on max bytes to buffer : " + limit)));
						return;
					}
					sink.next(buffer);
				});
			});
		}

		@Override
		public void close() {
			InputStream body = getBody();
			try {
				// A body left unread is drained, so that the connection can be reused;
				// a stream is cut off instead, as it may never end.
				if (!this.stream) {
					StreamUtils.drain(body);
				}
			}
			catch (IOException | RuntimeException ex) {
				// Closed below: the connection is not reused.
			}
			try {
				body.close();
			}
			catch (IOException | RuntimeException ex) {
				// Nothing left to release: Spring's stream refuses to close after an
				// error.
			}
		}

	}

	/**
	 * The body's input stream: a read returns the bytes that have arrived (at least one,
	 * waiting for them if none has) rather than waiting until the caller's array is full,
	 * as Spring's subscriber stream does, which would hold back a stream's events; and it
	 * throws the I/O error behind Reactor's wrapper.
	 */
	private static final class BodyStream extends FilterInputStream {

		/** Bytes handed to the subscriber stream so far. */
		private final AtomicLong arrived;

		/** Bytes read from it so far. */
		private long consumed;

		BodyStream(InputStream in, AtomicLong arrived) {
			super(in);
			this.arrived = arrived;
		}

		@Override
		public int read() throws IOException {
			try {
				int read = super.read();
				if (read != -1) {
					this.consumed++;
				}
				return read;
			}
			catch (RuntimeException ex) {
				throw rethrow(unwrap(ex));
			}
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			Objects.checkFromIndexSize(offset, length, buffer.length);
			if (length == 0) {
				return 0;
			}
			if (available() == 0) {
				// Wait for the next bytes, then take what came with them.
				int first = read();
				if (first == -1) {
					return -1;
				}
				buffer[offset] = (byte) first;
				// The body may end (or fail) right after that byte: it counts still.
				return 1 + Math.max(0, readArrived(buffer, offset + 1, length - 1));
			}
			return readArrived(buffer, offset, length);
		}

		private int readArrived(byte[] buffer, int offset, int length) throws IOException {
			int ready = Math.min(length, available());
			if (ready == 0) {
				return 0;
			}
			try {
				// These bytes are queued already: this does not wait for the network.
				int read = super.read(buffer, offset, ready);
				this.consumed += Math.max(read, 0);
				return read;
			}
			catch (RuntimeException ex) {
				throw rethrow(unwrap(ex));
			}
		}

		@Override
		public int available() {
			return (int) Math.min(Integer.MAX_VALUE, this.arrived.get() - this.consumed);
		}

		@Override
		public long skip(long count) throws IOException {
			if (count <= 0) {
				return 0;
			}
			// Through read, so that the count of bytes read stays right.
			byte[] skipped = new byte[(int) Math.min(count, 8192)];
			long left = count;
			while (left > 0) {
				int read = read(skipped, 0, (int) Math.min(left, skipped.length));
				if (read == -1) {
					break;
				}
				left -= read;
			}
			return count - left;
		}

	}

}
