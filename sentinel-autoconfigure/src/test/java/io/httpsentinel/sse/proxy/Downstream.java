package io.httpsentinel.sse.proxy;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.LoopResources;

import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseParser;

/**
 * A downstream client reading a response body as raw bytes, on a connection of its own
 * (closing it closes the connection).
 */
final class Downstream implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final CompletableFuture<HttpClientResponse> head = new CompletableFuture<>();

	private final CompletableFuture<@Nullable Throwable> ended = new CompletableFuture<>();

	private final ByteArrayOutputStream body = new ByteArrayOutputStream();

	// Pieces of the body as received: one per chunk of the chunked response body, unless
	// a chunk spans reads.
	private final AtomicInteger pieces = new AtomicInteger();

	private final Disposable subscription;

	private final LoopResources loops;

	private Downstream(URI url, String... headers) {
		// Event loops of its own, which the application under test cannot dispose.
		this.loops = LoopResources.create("downstream", 1, true);
		this.subscription = HttpClient.newConnection().runOn(this.loops).headers((h) -> {
			for (int i = 0; i < headers.length; i += 2) {
				h.set(headers[i], headers[i + 1]);
			}
		}).get().uri(url).response((response, content) -> {
			this.head.complete(response);
			return content.asByteArray();
		}).subscribe((bytes) -> {
			this.pieces.incrementAndGet();
			synchronized (this.body) {
				this.body.writeBytes(bytes);
				this.body.notifyAll();
			}
		}, (error) -> end(error), () -> end(null));
	}

	static Downstream get(URI url, String... headers) {
		return new Downstream(url, headers);
	}

	private void end(@Nullable Throwable error) {
		this.ended.complete(error);
		synchronized (this.body) {
			this.body.notifyAll();
		}
	}

	/**
	 * The pieces of the body received so far: a chunk of the response each, as the server
	 * wrote them.
	 * @return the count
	 */
	int pieces() {
		return this.pieces.get();
	}

	int status() throws Exception {
		return this.head.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).status().code();
	}

	HttpHeaders headers() throws Exception {
		return this.head.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).responseHeaders();
	}

	/**
	 * Whether the response headers arrive within the given time.
	 */
	boolean headersWithin(Duration timeout) {
		try {
			this.head.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (Exception ex) {
			return false;
		}
	}

	String text() {
		synchronized (this.body) {
			return this.body.toString(StandardCharsets.UTF_8);
		}
	}

	/**
	 * Wait until the body received so far matches.
	 * @return the body
	 */
	String await(Predicate<String> condition) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		synchronized (this.body) {
			for (;;) {
				String text = this.body.toString(StandardCharsets.UTF_8);
				if (condition.test(text)) {
					return text;
				}
				long left = deadline - System.nanoTime();
				if (left <= 0 || (this.ended.isDone())) {
					throw new AssertionError(
							"Downstream body did not match in time (ended: " + this.ended.isDone() + "):\n" + text);
				}
				this.body.wait(Math.max(1, left / 1_000_000));
			}
		}
	}

	String awaitContains(String part) throws InterruptedException {
		return await((text) -> text.contains(part));
	}

	/**
	 * Wait for the end of the response.
	 * @return the error it ended with, or {@code null} if it completed
	 */
	@Nullable Throwable awaitEnd() throws Exception {
		return this.ended.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	boolean ended() {
		return this.ended.isDone();
	}

	/**
	 * The events of the body received so far, parsed.
	 */
	List<SseEvent> events() {
		byte[] bytes;
		synchronized (this.body) {
			bytes = this.body.toByteArray();
		}
		SseParser parser = new SseParser();
		return parser.feed(bytes, 0, bytes.length);
	}

	@Override
	public void close() {
		this.subscription.dispose();
		this.loops.disposeLater(Duration.ZERO, TIMEOUT).block(TIMEOUT);
	}

}
