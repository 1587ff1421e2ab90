package io.httpsentinel.sse.proxy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import io.netty.buffer.ByteBuf;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import io.httpsentinel.sse.EventRelay;
import io.httpsentinel.sse.ReconnectDelay;
import io.httpsentinel.sse.SlowClientPolicy;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseLimitExceededException;
import io.httpsentinel.sse.SseResponseException;
import io.httpsentinel.sse.SseResumeSettings;
import io.httpsentinel.sse.SseWriter;
import io.httpsentinel.sse.proxy.SseProxyListener.ResumeOutcome;
import io.httpsentinel.sse.proxy.SseProxyListener.SlowClientAction;
import io.httpsentinel.sse.proxy.SseProxyListener.StreamEnd;
import io.httpsentinel.sse.proxy.UpstreamConnection.Head;

/**
 * One forwarded stream: reads its upstream one chunk at a time, relays the events into
 * its {@link Outbox}, hands the outbox to the downstream as it asks for it, sends
 * heartbeats, resumes a failed upstream, and applies the slow-client policy.
 * <p>
 * Every signal (upstream chunks and ends, downstream demand and cancellation, buffer
 * releases, timers, shutdown) only records what happened and calls {@link #drain()},
 * which runs the state machine on one thread at a time: no locks, and no operator with a
 * prefetch of its own between the upstream and the downstream. What a stream holds is
 * bounded by {@code sse.buffer-size} plus the few upstream chunks asked for at once
 * ({@link UpstreamConnection#BATCH}) and a partial event of at most
 * {@code sse.max-event-size}: more chunks are asked for only while the bytes not yet
 * written to the downstream connection are under the buffer size.
 * <p>
 * One timer per stream covers heartbeats, the slow-client timeout and a body that is
 * never subscribed; it is rescheduled when it fires, not on every event.
 */
final class ProxyStream implements Subscription {

	private static final Log logger = LogFactory.getLog(SseProxy.class);

	/** Sent when the body starts, so that the response is committed at once. */
	private static final byte[] OPEN = { ':', '\n', '\n' };

	private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

	/** A response whose body is never subscribed is given up after this long. */
	private static final long BODY_SUBSCRIBE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

	private static final AtomicIntegerFieldUpdater<ProxyStream> WIP = AtomicIntegerFieldUpdater
		.newUpdater(ProxyStream.class, "wip");

	private static final AtomicLongFieldUpdater<ProxyStream> REQUESTED = AtomicLongFieldUpdater
		.newUpdater(ProxyStream.class, "requested");

	@SuppressWarnings("rawtypes")
	private static final AtomicReferenceFieldUpdater<ProxyStream, CoreSubscriber> BODY = AtomicReferenceFieldUpdater
		.newUpdater(ProxyStream.class, CoreSubscriber.class, "body");

	private enum Phase {

		/**
		 * Waiting for the upstream's headers; the downstream response is not committed.
		 */
		CONNECTING,
		/** Forwarding. */
		STREAMING,
		/** The upstream failed; waiting to reconnect, or reconnecting. */
		RESUMING,
		/** Writing what is left (the error event, a retry hint), then completing. */
		ENDING,
		/** Over. */
		DONE

	}

	private final SseProxy proxy;

	private final StreamOptions options;

	private final String name;

	private final Scheduler timer;

	private final MonoSink<ResponseEntity<Flux<DataBuffer>>> head;

	private final Context context;

	private final SseProxyStatistics statistics;

	private final SseProxyListener listener;

	private final EventRelay relay;

	private final Outbox outbox = new Outbox(this::drain);

	private final long startedAt;

	// Signals from other threads.

	private volatile int wip;

	private volatile long requested;

	private volatile @Nullable CoreSubscriber<? super DataBuffer> body;

	private volatile boolean cancelled;

	private volatile boolean shutdownRequested;

	private volatile boolean tickDue;

	private volatile boolean resumeDue;

	private volatile @Nullable Runnable abortDownstream;

	// State owned by the drain loop.

	private Phase phase = Phase.CONNECTING;

	private boolean connectPending = true;

	private @Nullable UpstreamConnection upstream;

	private boolean bodyStarted;

	private long committedAt = -1;

	private long lastWriteAt;

	private @Nullable Disposable tick;

	private long tickAt;

	private long fullSince = -1;

	private int resumeAttempts;

	private long resumeStreakStart = -1;

	private @Nullable Throwable resumeFailure;

	private @Nullable Disposable resumeTask;

	private StreamEnd end = StreamEnd.COMPLETED;

	private long events;

	private long bytes;

	ProxyStream(SseProxy proxy, StreamOptions options, Scheduler timer, MonoSink<ResponseEntity<Flux<DataBuffer>>> head,
			String lastEventId) {
		this.proxy = proxy;
		this.options = options;
		this.name = options.client().name();
		this.timer = timer;
		this.head = head;
		this.context = Context.of(head.contextView());
		this.statistics = proxy.statistics(this.name);
		this.listener = proxy.listener();
		this.relay = EventRelay.create(options.limits(), options.hooks(), options.resume(), lastEventId,
				this.outbox::newBuffer);
		this.startedAt = now();
		head.onCancel(this::cancel);
	}

	String clientName() {
		return this.name;
	}

	/**
	 * Connect the upstream.
	 */
	void start() {
		drain();
	}

	/**
	 * End the stream because the application shuts down: before its headers, with 503;
	 * after, cleanly (with the configured {@code retry:} hint).
	 */
	void shutdown() {
		this.shutdownRequested = true;
		drain();
	}

	/**
	 * Set how to close the downstream connection when a slow client must be dropped.
	 * @param abort closes the connection
	 */
	void abortDownstreamWith(Runnable abort) {
		this.abortDownstream = abort;
	}

	private Flux<DataBuffer> body() {
		return new Flux<>() {

			@Override
			public void subscribe(CoreSubscriber<? super DataBuffer> actual) {
				if (!BODY.compareAndSet(ProxyStream.this, null, actual)) {
					Operators.error(actual,
							new IllegalStateException("A forwarded SSE stream allows one subscriber only"));
					return;
				}
				actual.onSubscribe(ProxyStream.this);
				drain();
			}

		};
	}

	@Override
	public void request(long n) {
		if (Operators.validate(n)) {
			Operators.addCap(REQUESTED, this, n);
			drain();
		}
	}

	@Override
	public void cancel() {
		this.cancelled = true;
		drain();
	}

	private void drain() {
		if (WIP.getAndIncrement(this) != 0) {
			return;
		}
		int missed = 1;
		for (;;) {
			try {
				drainOnce();
			}
			catch (RuntimeException | Error ex) {
				logger.error("SSE stream of client '" + this.name + "' failed", ex);
				failInternally(ex);
			}
			missed = WIP.addAndGet(this, -missed);
			if (missed == 0) {
				return;
			}
		}
	}

	private void drainOnce() {
		if (this.phase == Phase.DONE) {
			return;
		}
		if (this.cancelled) {
			close(StreamEnd.CLIENT_LEFT);
			return;
		}
		if (this.shutdownRequested) {
			this.shutdownRequested = false;
			onShutdown();
		}
		if (this.connectPending) {
			this.connectPending = false;
			connect();
		}
		UpstreamConnection connection = this.upstream;
		if (connection != null) {
			fromUpstream(connection);
		}
		if (this.resumeDue) {
			this.resumeDue = false;
			if (this.phase == Phase.RESUMING && this.upstream == null) {
				connect();
			}
		}
		if (this.tickDue) {
			this.tickDue = false;
			onTick();
		}
		if (this.phase == Phase.DONE) {
			return;
		}
		toDownstream();
		CoreSubscriber<? super DataBuffer> subscriber = this.body;
		if (this.phase == Phase.ENDING && this.bodyStarted && this.outbox.isEmpty() && subscriber != null) {
			// Closed first: whoever sees the body complete sees the stream's permits,
			// metrics and listener calls done.
			close(this.end);
			subscriber.onComplete();
			return;
		}
		readMore();
	}

	// Upstream

	private void connect() {
		this.upstream = UpstreamConnection.open(this.proxy.webClient(this.options.client()), this.options.request(),
				this.relay.lastEventId(), this.phase == Phase.CONNECTING, this.context, this::drain);
	}

	private void fromUpstream(UpstreamConnection connection) {
		// Everything that arrived: several wake-ups may have led to one pass.
		while (this.upstream == connection) {
			Object ended = connection.end();
			Object item = connection.take();
			if (item instanceof Head received) {
				connection.headSeen = true;
				onHead(received);
			}
			else if (item != null) {
				onChunk((DataBuffer) item);
			}
			else {
				if (ended != null) {
					this.upstream = null;
					onUpstreamEnd((ended != UpstreamConnection.COMPLETE) ? (Throwable) ended : null);
				}
				return;
			}
		}
	}

	private void onHead(Head received) {
		if (!received.isEventStream()) {
			// Detached, not cancelled: the exchange ends by itself once Spring released
			// the
			// body, which returns the connection to the pool (a cancel could strand it).
			this.upstream = null;
		}
		if (this.phase == Phase.CONNECTING) {
			if (received.isEventStream()) {
				commit(received.headers());
			}
			else {
				refuse(UpstreamRefusal.of(received.status(), received.headers(), this.proxy.clock()), null);
			}
		}
		else if (this.phase == Phase.RESUMING) {
			if (received.status() == HttpStatus.NO_CONTENT.value()) {
				finish(StreamEnd.COMPLETED, null);
			}
			else if (!received.isEventStream()) {
				resumeFailed(new SseResponseException(this.name, received.status(),
						received.headers().getFirst(HttpHeaders.CONTENT_TYPE), ""));
			}
			else {
				this.phase = Phase.STREAMING;
				this.relay.resumed();
				this.statistics.resumes.increment();
				this.listener.resume(this.name, ResumeOutcome.RESUMED);
			}
		}
	}

	private void commit(HttpHeaders upstreamHeaders) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.TEXT_EVENT_STREAM);
		headers.setCacheControl("no-cache");
		headers.set("X-Accel-Buffering", "no");
		ForwardedHeaders.copy(upstreamHeaders, this.options.forwardHeaders(), headers);
		this.phase = Phase.STREAMING;
		long now = now();
		this.committedAt = now;
		this.lastWriteAt = now;
		this.statistics.opened.increment();
		this.listener.streamOpened(this.name, Duration.ofNanos(now - this.startedAt));
		scheduleTick(now);
		this.head.success(new ResponseEntity<>(body(), headers, HttpStatus.OK));
	}

	private void onChunk(DataBuffer chunk) {
		ByteBuf relayed;
		try {
			relayed = this.relay.relay(chunk);
		}
		catch (SseLimitExceededException ex) {
			endUpstream(ex);
			return;
		}
		if (relayed != null) {
			int count = this.relay.events();
			enqueue(relayed);
			if (count > 0) {
				if (this.events == 0) {
					this.listener.firstEvent(this.name, Duration.ofNanos(now() - this.startedAt));
				}
				this.events += count;
				this.statistics.events.add(count);
				// A new event: a streak of resumes, if any, is over.
				this.resumeAttempts = 0;
				this.resumeStreakStart = -1;
			}
		}
		RuntimeException hookFailure = this.relay.takeFailure();
		if (hookFailure != null) {
			endUpstream(new HookFailedException(hookFailure));
		}
	}

	/** Stop reading the upstream because of what it sent, and end the stream. */
	private void endUpstream(Throwable error) {
		this.relay.connectionEnded();
		finish(StreamEnd.UPSTREAM_FAILED, error);
	}

	private void onUpstreamEnd(@Nullable Throwable error) {
		this.relay.connectionEnded();
		switch (this.phase) {
			case CONNECTING -> refuse(
					(error != null) ? UpstreamRefusal.of(error, this.options.client(), this.proxy.clock())
							: UpstreamRefusal.of(HttpStatus.BAD_GATEWAY.value(), HttpHeaders.EMPTY, this.proxy.clock()),
					error);
			case STREAMING -> {
				if (error == null) {
					finish(StreamEnd.COMPLETED, null);
				}
				else if (this.options.resume() && this.relay.resumable() && Resumable.error(error)) {
					startResume(error);
				}
				else {
					finish(StreamEnd.UPSTREAM_FAILED, error);
				}
			}
			case RESUMING -> resumeFailed((error != null) ? error
					: new SseResponseException(this.name, HttpStatus.BAD_GATEWAY.value(), null, "no response"));
			default -> {
			}
		}
	}

	private void readMore() {
		UpstreamConnection connection = this.upstream;
		if (connection == null || !connection.headSeen || connection.outstanding() || this.phase != Phase.STREAMING) {
			return;
		}
		if (this.outbox.held() < this.options.bufferSize()) {
			if (this.fullSince >= 0) {
				this.fullSince = -1;
				this.outbox.awaitRoom(false);
			}
			connection.requestNext();
			return;
		}
		// Full: the next release wakes the stream up, and this runs again.
		this.outbox.awaitRoom(true);
		if (this.fullSince < 0) {
			this.fullSince = now();
			if (this.options.slowClientPolicy() == SlowClientPolicy.DROP) {
				dropSlowClient();
				return;
			}
			ensureTickBy(this.fullSince + this.options.slowClientTimeoutNanos());
			this.statistics.slowClientPauses.increment();
			this.listener.slowClient(this.name, SlowClientAction.PAUSED);
		}
	}

	// Resume

	private void startResume(Throwable error) {
		this.phase = Phase.RESUMING;
		this.resumeFailure = error;
		if (this.resumeStreakStart < 0) {
			this.resumeStreakStart = now();
		}
		if (logger.isDebugEnabled()) {
			logger.debug("SSE stream of client '" + this.name + "' lost its upstream; resuming after event id '"
					+ this.relay.lastEventId() + "': " + error);
		}
		scheduleResume();
	}

	private void resumeFailed(Throwable error) {
		this.statistics.resumeAttemptsFailed.increment();
		this.listener.resume(this.name, ResumeOutcome.ATTEMPT_FAILED);
		this.resumeFailure = error;
		if (Resumable.attemptError(error)) {
			scheduleResume();
		}
		else {
			giveUpResume();
		}
	}

	private void scheduleResume() {
		SseResumeSettings settings = this.options.resumeSettings();
		Duration delay = ReconnectDelay.next(this.relay.reconnectionTime(), settings.initialDelay(),
				settings.maxDelay(), this.resumeAttempts);
		boolean attemptsLeft = settings.maxAttempts() < 0 || this.resumeAttempts < settings.maxAttempts();
		boolean timeLeft = settings.maxElapsed().isZero()
				|| now() + delay.toNanos() - this.resumeStreakStart <= settings.maxElapsed().toNanos();
		if (!attemptsLeft || !timeLeft) {
			giveUpResume();
			return;
		}
		this.resumeAttempts++;
		this.resumeTask = this.timer.schedule(() -> {
			this.resumeDue = true;
			drain();
		}, delay.toNanos(), TimeUnit.NANOSECONDS);
	}

	private void giveUpResume() {
		this.statistics.resumesGivenUp.increment();
		this.listener.resume(this.name, ResumeOutcome.GAVE_UP);
		Throwable failure = this.resumeFailure;
		finish(StreamEnd.UPSTREAM_FAILED, (failure != null) ? failure : new IllegalStateException("resume failed"));
	}

	// Downstream

	private void enqueue(byte[] bytes) {
		this.outbox.add(bytes);
		counted(bytes.length);
	}

	private void enqueue(ByteBuf bytes) {
		int size = bytes.readableBytes();
		this.outbox.add(bytes);
		counted(size);
	}

	private void counted(int size) {
		this.bytes += size;
		this.statistics.bytes.add(size);
		this.lastWriteAt = now();
	}

	private void toDownstream() {
		CoreSubscriber<? super DataBuffer> subscriber = this.body;
		if (subscriber == null) {
			return;
		}
		if (!this.bodyStarted) {
			this.bodyStarted = true;
			if (this.outbox.isEmpty()) {
				// WebFlux commits the response with the first body element: without one,
				// a quiet upstream would keep the client waiting for the headers.
				enqueue(OPEN);
			}
		}
		while (!this.cancelled) {
			long demand = this.requested;
			if (demand == 0) {
				return;
			}
			DataBuffer next = this.outbox.next();
			if (next == null) {
				return;
			}
			if (demand != Long.MAX_VALUE) {
				REQUESTED.decrementAndGet(this);
			}
			subscriber.onNext(next);
		}
	}

	/**
	 * End the stream after the upstream's end or failure (or at shutdown): the error
	 * event, if any, then completion once the outbox is written.
	 */
	private void finish(StreamEnd how, @Nullable Throwable error) {
		cancelUpstream();
		disposeResumeTask();
		this.end = how;
		this.phase = Phase.ENDING;
		if (error != null) {
			logger.warn("SSE stream of client '" + this.name + "' failed after " + this.events
					+ " events; ending it with an error event: " + error);
			SseEvent event = this.options.errorEvent().apply(error);
			if (event != null) {
				enqueue(SseWriter.encode(event));
				this.statistics.errorEvents.increment();
			}
		}
		if (how == StreamEnd.SHUTDOWN && !this.proxy.shutdownRetry().isZero()) {
			enqueue(SseWriter.encode(SseEvent.builder().retry(this.proxy.shutdownRetry()).build()));
		}
		if (this.fullSince < 0) {
			// What is left must be written within the slow-client timeout.
			this.fullSince = now();
			ensureTickBy(this.fullSince + this.options.slowClientTimeoutNanos());
		}
	}

	private void refuse(UpstreamRefusal refusal, @Nullable Throwable error) {
		int status = refusal.status().value();
		if (status == HttpStatus.NO_CONTENT.value()) {
			logger.debug("SSE stream of client '" + this.name + "': the upstream answered 204, no stream");
		}
		else {
			logger.warn("SSE stream of client '" + this.name + "' refused with " + status + ": "
					+ ((error != null) ? error : refusal.detail()));
		}
		this.statistics.refused.increment();
		this.listener.streamRefused(this.name, status);
		close(null);
		this.head.success(refusal.toResponse());
	}

	private void onShutdown() {
		if (this.phase == Phase.CONNECTING) {
			this.statistics.refused.increment();
			this.listener.streamRefused(this.name, HttpStatus.SERVICE_UNAVAILABLE.value());
			close(null);
			this.head.success(UpstreamRefusal.shuttingDown().toResponse());
		}
		else if (this.phase == Phase.STREAMING || this.phase == Phase.RESUMING) {
			finish(StreamEnd.SHUTDOWN, null);
		}
	}

	private void dropSlowClient() {
		logger.warn("SSE stream of client '" + this.name + "': dropping a downstream client that read nothing for "
				+ Duration.ofNanos(now() - this.fullSince).toMillis() + "ms with " + this.outbox.held()
				+ " bytes waiting");
		this.statistics.slowClientDrops.increment();
		this.listener.slowClient(this.name, SlowClientAction.DROPPED);
		Runnable abort = this.abortDownstream;
		CoreSubscriber<? super DataBuffer> subscriber = this.body;
		close(StreamEnd.SLOW_CLIENT_DROPPED);
		if (abort != null) {
			// Closing the connection is the only way out when writes are stuck: the
			// writer would deliver an error only after its pending writes.
			abort.run();
		}
		else if (subscriber != null) {
			subscriber.onError(new SlowClientException(this.name));
		}
	}

	private void failInternally(Throwable error) {
		if (this.phase == Phase.CONNECTING) {
			close(null);
			this.head.success(new UpstreamRefusal(HttpStatus.INTERNAL_SERVER_ERROR, null, "Proxy error").toResponse());
		}
		else if (this.phase != Phase.DONE) {
			CoreSubscriber<? super DataBuffer> subscriber = this.body;
			close(StreamEnd.UPSTREAM_FAILED);
			if (subscriber != null) {
				subscriber.onError(error);
			}
		}
	}

	/**
	 * Release everything: the upstream connection, timers, buffers not written, the
	 * stream's permits.
	 * @param how how it ended, or {@code null} if it was refused
	 */
	private void close(@Nullable StreamEnd how) {
		if (this.phase == Phase.DONE) {
			return;
		}
		this.phase = Phase.DONE;
		cancelUpstream();
		disposeResumeTask();
		if (this.tick != null) {
			this.tick.dispose();
			this.tick = null;
		}
		this.outbox.clear();
		this.relay.release();
		this.proxy.closed(this);
		if (how != null && this.committedAt >= 0) {
			if (logger.isDebugEnabled()) {
				logger.debug("SSE stream of client '" + this.name + "' ended (" + how + ") after " + this.events
						+ " events, " + this.bytes + " bytes");
			}
			this.listener.streamClosed(this.name, how, Duration.ofNanos(now() - this.startedAt), this.events,
					this.bytes);
		}
	}

	private void cancelUpstream() {
		UpstreamConnection connection = this.upstream;
		this.upstream = null;
		if (connection != null) {
			connection.cancel();
		}
	}

	private void disposeResumeTask() {
		if (this.resumeTask != null) {
			this.resumeTask.dispose();
			this.resumeTask = null;
		}
	}

	// Timer

	private void onTick() {
		this.tick = null;
		long now = now();
		if (this.fullSince >= 0 && now - this.fullSince >= this.options.slowClientTimeoutNanos()
				&& this.outbox.held() > 0) {
			dropSlowClient();
			return;
		}
		if (!this.bodyStarted && this.committedAt >= 0 && now - this.committedAt >= BODY_SUBSCRIBE_TIMEOUT_NANOS) {
			logger.warn("SSE stream of client '" + this.name + "': the response body was never subscribed; closing it");
			close(StreamEnd.CLIENT_LEFT);
			return;
		}
		long heartbeat = this.options.heartbeatNanos();
		if (heartbeat > 0 && (this.phase == Phase.STREAMING || this.phase == Phase.RESUMING) && this.bodyStarted
				&& this.outbox.isEmpty() && now - this.lastWriteAt >= heartbeat) {
			enqueue(HEARTBEAT);
			this.statistics.heartbeats.increment();
		}
		scheduleTick(now);
	}

	private void scheduleTick(long now) {
		long next = Long.MAX_VALUE;
		long heartbeat = this.options.heartbeatNanos();
		if (heartbeat > 0 && this.phase != Phase.ENDING) {
			long due = this.lastWriteAt + heartbeat;
			next = (due > now) ? due : now + heartbeat;
		}
		if (this.fullSince >= 0) {
			next = Math.min(next, this.fullSince + this.options.slowClientTimeoutNanos());
		}
		if (!this.bodyStarted) {
			next = Math.min(next, this.committedAt + BODY_SUBSCRIBE_TIMEOUT_NANOS);
		}
		if (next != Long.MAX_VALUE) {
			schedule(next, now);
		}
	}

	private void ensureTickBy(long deadline) {
		if (this.tick == null || this.tickAt > deadline) {
			schedule(deadline, now());
		}
	}

	private void schedule(long at, long now) {
		if (this.tick != null) {
			this.tick.dispose();
		}
		this.tickAt = at;
		this.tick = this.timer.schedule(() -> {
			this.tickDue = true;
			drain();
		}, Math.max(0, at - now), TimeUnit.NANOSECONDS);
	}

	private long now() {
		return this.timer.now(TimeUnit.NANOSECONDS);
	}

}
