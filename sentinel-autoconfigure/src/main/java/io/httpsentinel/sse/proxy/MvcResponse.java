package io.httpsentinel.sse.proxy;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * A forwarded stream as a Spring MVC response. Spring MVC cannot write the WebFlux
 * response type itself: for {@code text/event-stream} its {@code ReactiveTypeHandler}
 * turns every element of a {@code Flux} into an {@code SseEmitter} event of its own
 * ({@code data:} plus the element serialized as JSON), so raw event bytes cannot pass
 * through it. This adapter writes them through a {@link ResponseBodyEmitter} instead:
 * each buffer as it is, followed by a flush, on an executor (servlet writes block), one
 * at a time, so that a slow client slows the stream down exactly as in WebFlux.
 * <p>
 * A client that stops reading blocks a write once the socket buffers are full. No write
 * holds its thread longer than the slow-client timeout: the stream is then dropped as
 * when its buffer stays full, which closes the connection ({@link ServletConnections})
 * and interrupts the write ({@link BlockingWriteGuard}).
 */
final class MvcResponse {

	private static final Log logger = LogFactory.getLog(MvcResponse.class);

	private MvcResponse() {
	}

	/**
	 * Adapt a forwarded stream.
	 * @param response the stream's response, subscribed at once
	 * @param executor where the blocking writes run
	 * @param slowClientTimeout the longest a write may block
	 * @return the result to return from the controller
	 */
	static DeferredResult<ResponseEntity<ResponseBodyEmitter>> of(
			Function<Context, Mono<ResponseEntity<Flux<DataBuffer>>>> response, Executor executor,
			Duration slowClientTimeout) {
		// No timeout: the stream ends when the upstream or the client ends it.
		DeferredResult<ResponseEntity<ResponseBodyEmitter>> result = new DeferredResult<>(-1L);
		AtomicReference<@Nullable Writer> writer = new AtomicReference<>();
		Runnable abort = () -> {
			Writer current = writer.get();
			if (current != null) {
				current.abort();
			}
		};
		response.apply(Context.of(DownstreamRequest.ABORT, abort)).subscribe((entity) -> {
			Writer body = new Writer(executor, slowClientTimeout);
			writer.set(body);
			result.setResult(ResponseEntity.status(entity.getStatusCode()).headers(entity.getHeaders()).body(body));
			Objects.requireNonNull(entity.getBody()).subscribe(body);
		}, result::setErrorResult);
		return result;
	}

	/**
	 * The emitter, subscribed to the body: it asks for the next buffer only once the
	 * previous one is written.
	 */
	private static final class Writer extends ResponseBodyEmitter implements CoreSubscriber<DataBuffer> {

		private final SerialExecutor executor;

		private final BlockingWriteGuard guard;

		private volatile @Nullable Runnable closeConnection;

		private final AtomicReference<@Nullable Subscription> subscription = new AtomicReference<>();

		private final AtomicBoolean started = new AtomicBoolean();

		private volatile boolean ready;

		private volatile boolean done;

		Writer(Executor executor, Duration slowClientTimeout) {
			super(-1L);
			this.executor = new SerialExecutor(executor);
			this.guard = new BlockingWriteGuard(slowClientTimeout.toNanos(), () -> {
				logger.warn("SSE stream (Spring MVC): dropping a downstream client whose write blocked for "
						+ slowClientTimeout.toMillis() + "ms (sse.slow-client-timeout)");
				abort();
			}, Schedulers.parallel());
			onCompletion(this::cancel);
			onError((error) -> cancel());
			onTimeout(this::cancel);
		}

		@Override
		protected void extendResponse(ServerHttpResponse outputMessage) {
			super.extendResponse(outputMessage);
			if (outputMessage instanceof ServletServerHttpResponse servlet) {
				this.closeConnection = ServletConnections.closer(servlet.getServletResponse());
			}
			// Spring MVC is about to start writing: from now on, a send goes out.
			this.ready = true;
			start();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (this.subscription.compareAndSet(null, subscription)) {
				start();
			}
			else {
				subscription.cancel();
			}
		}

		/** The first request, once both the emitter and the subscription are ready. */
		private void start() {
			Subscription current = this.subscription.get();
			if (current != null && this.ready && this.started.compareAndSet(false, true)) {
				this.executor.execute(() -> current.request(1));
			}
		}

		@Override
		public void onNext(DataBuffer buffer) {
			this.executor.execute(() -> {
				byte[] bytes = new byte[buffer.readableByteCount()];
				buffer.read(bytes);
				DataBufferUtils.release(buffer);
				if (this.done || !this.guard.begin()) {
					return;
				}
				try {
					send(bytes, MediaType.TEXT_EVENT_STREAM);
				}
				catch (IOException | IllegalStateException ex) {
					// The client went away, or was dropped.
					cancel();
					return;
				}
				finally {
					this.guard.end();
				}
				// One buffer at a time: the next is asked for once this one is written.
				Subscription current = this.subscription.get();
				if (current != null && !this.done) {
					current.request(1);
				}
			});
		}

		@Override
		public void onError(Throwable error) {
			this.executor.execute(() -> completeWithError(error));
		}

		@Override
		public void onComplete() {
			this.executor.execute(() -> {
				this.guard.stop();
				complete();
			});
		}

		/**
		 * Drop the client: close its connection, then get a blocked write out.
		 */
		void abort() {
			cancel();
			Runnable close = this.closeConnection;
			if (close != null) {
				close.run();
			}
			this.guard.release();
			this.executor.execute(() -> {
				try {
					// Not an error: that would go through the application's error
					// handling
					// for a response already committed. A write that failed is the
					// container's to handle (Spring then ignores this).
					complete();
				}
				catch (IllegalStateException ex) {
					// The container already ended the request after the failed write.
				}
			});
		}

		private void cancel() {
			this.guard.stop();
			this.done = true;
			Subscription current = this.subscription.getAndSet(Operators.cancelledSubscription());
			if (current != null) {
				current.cancel();
			}
		}

	}

	/**
	 * Runs tasks one after the other, in order, on an executor.
	 */
	private static final class SerialExecutor implements Executor {

		private final Executor executor;

		private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

		private final AtomicInteger pending = new AtomicInteger();

		SerialExecutor(Executor executor) {
			this.executor = executor;
		}

		@Override
		public void execute(Runnable task) {
			this.tasks.add(task);
			if (this.pending.getAndIncrement() == 0) {
				this.executor.execute(this::drain);
			}
		}

		private void drain() {
			do {
				Runnable task = this.tasks.poll();
				if (task != null) {
					task.run();
				}
			}
			while (this.pending.decrementAndGet() != 0);
		}

	}

}
