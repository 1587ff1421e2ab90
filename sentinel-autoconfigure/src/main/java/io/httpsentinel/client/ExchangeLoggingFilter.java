package io.httpsentinel.client;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpRequestDecorator;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

import io.httpsentinel.SettingChecks;

/**
 * Logs each attempt of a client at DEBUG level, on the logger
 * {@code io.httpsentinel.exchange.<client>}, with secrets redacted. Placed innermost,
 * next to the connection, so that every attempt (retries included) is logged as it goes
 * on the wire; an attempt the pipeline refuses (open breaker, host pause, rate limit)
 * sends nothing and logs nothing here.
 * <p>
 * Bodies are logged chunk by chunk as they pass, up to the body limit: nothing is
 * buffered, consumed or delayed, so streams flow unchanged. The filter exists only for
 * clients whose level is above {@code none}, and a disabled logger costs one
 * {@code isDebugEnabled()} per attempt.
 */
final class ExchangeLoggingFilter implements ExchangeFilterFunction {

	/**
	 * Prefix of the per-client logger names.
	 */
	static final String LOGGER_PREFIX = "io.httpsentinel.exchange.";

	private static final String LIMIT_REACHED = "[log-body-limit reached: the rest passes unlogged]";

	private final Log logger;

	private final ExchangeLogLevel level;

	private final long bodyLimit;

	private final Redactor redactor;

	ExchangeLoggingFilter(String clientName, LogSettings settings, Redactor redactor) {
		this.logger = LogFactory.getLog(LOGGER_PREFIX + clientName);
		this.level = SettingChecks.required("log", settings.level());
		this.bodyLimit = SettingChecks.required("log-body-limit", settings.bodyLimit()).toBytes();
		this.redactor = redactor;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		if (!this.logger.isDebugEnabled()) {
			return next.exchange(request);
		}
		return Mono.defer(() -> {
			String target = request.method().name() + " " + this.redactor.uri(request.url());
			this.logger.debug(requestMessage(target, request));
			ClientRequest sent = logsBodies() ? withLoggedBody(request, target) : request;
			long start = System.nanoTime();
			return next.exchange(sent)
				.doOnNext((response) -> this.logger.debug(responseMessage(target, response, elapsedMillis(start))))
				.doOnError((error) -> this.logger
					.debug("<-- " + target + " failed after " + elapsedMillis(start) + " ms: " + error))
				.doOnCancel(() -> this.logger.debug("<-- " + target + " cancelled after " + elapsedMillis(start)
						+ " ms, before the response headers"))
				.map((response) -> logsBodies() ? withLoggedBody(response, target) : response);
		});
	}

	private boolean logsBodies() {
		return this.level == ExchangeLogLevel.BODY;
	}

	private String requestMessage(String target, ClientRequest request) {
		StringBuilder message = new StringBuilder("--> ").append(target);
		if (this.level != ExchangeLogLevel.BASIC) {
			appendHeaders(message, request.headers());
			if (!request.cookies().isEmpty()) {
				// WebClient sends these as a Cookie header, which is always a secret.
				message.append("\n    ").append(HttpHeaders.COOKIE).append(": ").append(Redactor.MASK);
			}
		}
		return message.toString();
	}

	private String responseMessage(String target, ClientResponse response, long millis) {
		StringBuilder message = new StringBuilder("<-- ").append(response.statusCode().value())
			.append(' ')
			.append(target)
			.append(" (")
			.append(millis)
			.append(" ms)");
		if (this.level != ExchangeLogLevel.BASIC) {
			appendHeaders(message, response.headers().asHttpHeaders());
		}
		return message.toString();
	}

	private void appendHeaders(StringBuilder message, HttpHeaders headers) {
		this.redactor.headers(headers)
			.forEach((name, values) -> values
				.forEach((value) -> message.append("\n    ").append(name).append(": ").append(value)));
	}

	private ClientRequest withLoggedBody(ClientRequest request, String target) {
		if (request.body() == BodyInserters.empty()) {
			return request;
		}
		return ClientRequest.from(request)
			.body((message, context) -> request.body().insert(new LoggedRequest(message, "--> " + target), context))
			.build();
	}

	private ClientResponse withLoggedBody(ClientResponse response, String target) {
		MediaType contentType = response.headers().contentType().orElse(null);
		return response.mutate()
			.body((body) -> Flux.defer(() -> new BodyLog("<-- " + target, contentType).watch(body)))
			.build();
	}

	private static long elapsedMillis(long startNanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
	}

	/**
	 * Logs the body a request writes, as it is written.
	 */
	private final class LoggedRequest extends ClientHttpRequestDecorator {

		private final String prefix;

		LoggedRequest(ClientHttpRequest delegate, String prefix) {
			super(delegate);
			this.prefix = prefix;
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			// The encoder has set the Content-Type by now (a form writer, for example).
			BodyLog log = new BodyLog(this.prefix, getHeaders().getContentType());
			// A Mono stays a Mono: Reactor Netty sends a single buffer without chunking.
			Publisher<? extends DataBuffer> logged = (body instanceof Mono<? extends DataBuffer> single)
					? single.doOnNext(log::chunk).doOnSuccess((buffer) -> log.end()) : log.watch(Flux.from(body));
			return super.writeWith(logged);
		}

		@Override
		public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			BodyLog log = new BodyLog(this.prefix, getHeaders().getContentType());
			return super.writeAndFlushWith(Flux.from(body)
				.map((part) -> Flux.<DataBuffer>from(part).doOnNext(log::chunk))
				.doOnComplete(log::end));
		}

	}

	/**
	 * Logs one body as its chunks pass: the text of each chunk until the limit, without
	 * moving the buffer's read position. Reactive Streams signals of one body never
	 * overlap, so the counters need no synchronization.
	 */
	private final class BodyLog {

		private final String prefix;

		private final @Nullable Charset charset;

		private long bytes;

		private long logged;

		private boolean limitReached;

		private boolean closed;

		BodyLog(String prefix, @Nullable MediaType contentType) {
			this.prefix = prefix;
			this.charset = textCharset(contentType);
		}

		<T extends DataBuffer> Flux<T> watch(Flux<T> body) {
			// Logged before the signal travels on, so the line precedes what the caller
			// does next.
			return body.doOnNext(this::chunk)
				.doOnComplete(this::end)
				.doOnError((error) -> close("failed"))
				.doOnCancel(() -> close("cancelled"));
		}

		void chunk(DataBuffer buffer) {
			int size = buffer.readableByteCount();
			this.bytes += size;
			if (this.charset == null || size == 0) {
				return;
			}
			long room = ExchangeLoggingFilter.this.bodyLimit - this.logged;
			if (room <= 0) {
				if (!this.limitReached) {
					this.limitReached = true;
					log("body: " + LIMIT_REACHED);
				}
				return;
			}
			int length = (int) Math.min(size, room);
			this.logged += length;
			String text = buffer.toString(buffer.readPosition(), length, this.charset);
			if (length < size) {
				this.limitReached = true;
				text += " " + LIMIT_REACHED;
			}
			log("body: " + text);
		}

		void end() {
			if (!this.closed) {
				this.closed = true;
				String shown = (this.charset != null) ? this.logged + " logged" : "content not shown";
				log("body end (" + this.bytes + " bytes, " + shown + ")");
			}
		}

		private void close(String how) {
			// Only the first closing signal: a source may complete after a cancel.
			if (!this.closed) {
				this.closed = true;
				log("body " + how + " after " + this.bytes + " bytes");
			}
		}

		private void log(String message) {
			ExchangeLoggingFilter.this.logger.debug(this.prefix + " " + message);
		}

	}

	/**
	 * The charset to show a body in, or {@code null} when it is not text worth showing.
	 * Form bodies are not shown: they typically carry credentials (OAuth client secrets,
	 * passwords).
	 */
	private static @Nullable Charset textCharset(@Nullable MediaType contentType) {
		if (contentType == null) {
			return StandardCharsets.UTF_8;
		}
		if (MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(contentType)) {
			return null;
		}
		String type = contentType.getType().toLowerCase(Locale.ROOT);
		String subtype = contentType.getSubtype().toLowerCase(Locale.ROOT);
		boolean text = type.equals("text") || subtype.contains("json") || subtype.contains("xml")
				|| subtype.equals("x-ndjson") || subtype.equals("javascript") || subtype.equals("graphql");
		if (!text) {
			return null;
		}
		return (contentType.getCharset() != null) ? contentType.getCharset() : StandardCharsets.UTF_8;
	}

}
