package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.ClientResponse;

import io.httpsentinel.client.SlowClientPolicy;
import io.httpsentinel.sse.SseProxyListener.ResumeOutcome;
import io.httpsentinel.sse.SseProxyListener.SlowClientAction;
import io.httpsentinel.sse.SseProxyListener.StreamEnd;

/**
 * One forwarded stream: reads its upstream one chunk at a time, relays the events into a
 * bounded outbox, hands the outbox to the downstream as it asks for it, sends heartbeats,
 * resumes a failed upstream, and applies the slow-client policy.
 * <p>
 * Every signal (upstream chunks and ends, downstream demand and cancellation, buffer
 * releases, timers, shutdown) only records what happened and calls {@link #drain()},
 * which runs the state machine on one thread at a time: no locks, and no operator with a
 * prefetch of its own between the upstream and the downstream. What a stream holds is
 * bounded by {@code sse.buffer-size} plus one upstream chunk (and a partial event of at
 * most {@code sse.max-event-size} in the parser): the next chunk is requested only while
 * the bytes not yet written to the downstream connection are under the buffer size.
 */
final class ProxyStream implements Subscription, DownstreamBuffers.ReleaseListener {

	private static final Log logger = LogFactory.getLog(SseProxy.class);

	/** Sent when the body starts, so that the response is committed at once. */
	private static final byte[] OPEN = { ':', '\n', '\n' };

	private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

	/** A response whose body is never subscribed is given up after this long. */
	private static final long BODY_SUBSCRIBE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

	private static final Object COMPLETE = new Object();

	@SuppressWarnings("rawtypes")
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

	private final Scheduler timer;

	private final MonoSink<ResponseEntity<Flux<DataBuffer>>> head;

	private final ContextView context;

	private final SseProxyStatistics statistics;

	private final SseProxyListener listener;

	private final EventRelay relay;

	private final long startedAt;

	// Signals from other threads.

	private volatile int wip;

	private volatile long requested;

	private volatile @Nullable CoreSubscriber<? super DataBuffer> body;

	private volatile boolean cancelled;

	private volatile boolean shutdownRequested;

	private volatile boolean tickDue;

	private volatile boolean resumeDue;

	private volatile boolean awaitingCredit;

	private volatile @Nullable Runnable abortDownstream;

	private final AtomicLong released = new AtomicLong();

	// State owned by the drain loop.

	private Phase phase = Phase.CONNECTING;

	private boolean connectPending = true;

	private @Nullable Connection upstream;

	private boolean bodyStarted;

	private final ArrayDeque<DataBuffer> outbox = new ArrayDeque<>();

	private long outboxBytes;

	private long emittedBytes;

	private long committedAt;

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
		this.timer = timer;
		this.head = head;
		this.context = head.contextView();
		this.statistics = proxy.statistics(options.client().name());
		this.listener = proxy.listener();
		this.relay = new EventRelay(options.limits(), options.hooks(), options.resume(), lastEventId);
		this.startedAt = now();
		head.onCancel(this::cancel);
	}

	String clientName() {
		return this.options.client().name();
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

	/**
	 * The downstream response body; one subscriber only.
	 */
	Flux<DataBuffer> body() {
		return new Flux<>() {

			@Override
			public void subscribe(CoreSubscriber<? super DataBuffer> actual) {
				attach(actual);
			}

		};
	}

	private void attach(CoreSubscriber<? super DataBuffer> actual) {
		if (!BODY.compareAndSet(this, null, actual)) {
			Operators.error(actual, new IllegalStateException("A forwarded SSE stream allows one subscriber only"));
			return;
		}
		actual.onSubscribe(this);
		drain();
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

	@Override
	public void released(int bytes) {
		this.released.addAndGet(bytes);
		if (this.awaitingCredit) {
			drain();
		}
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
				logger.error("SSE stream of client '" + this.options.client().name() + "' failed", ex);
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
		Connection connection = this.upstream;
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
		if (this.phase == Phase.ENDING && this.bodyStarted && this.outbox.isEmpty()) {
			this.body.onComplete();
			close(this.end);
			return;
		}
		readMore();
	}

	// Upstream

	private void connect() {
		boolean first = this.phase == Phase.CONNECTING;
		String lastEventId = this.relay.lastEventId();
		Connection connection = new Connection();
		this.upstream = connection;
		Flux.defer(
				() -> this.options.request().apply(this.proxy.webClient(this.options.client())).headers((headers) -> {
					if (!headers.containsHeader(HttpHeaders.ACCEPT)) {
						headers.setAccept(java.util.List.of(MediaType.TEXT_EVENT_STREAM));
					}
					headers.setCacheControl("no-cache");
					if (!lastEventId.isEmpty()) {
						headers.set(SseProxy.LAST_EVENT_ID, lastEventId);
					}
					else if (!first) {
						headers.remove(SseProxy.LAST_EVENT_ID);
					}
				}).exchangeToFlux(ProxyStream::response))
			.subscribe(connection);
	}

	private static Flux<Object> response(ClientResponse response) {
		Head head = new Head(response.statusCode().value(), response.headers().asHttpHeaders());
		// A response that is not a stream is left to Spring to release (and pool).
		return head.isEventStream() ? Flux.concat(Mono.just(head), response.bodyToFlux(DataBuffer.class))
				: Flux.just(head);
	}

	private void fromUpstream(Connection connection) {
		Object ended = connection.end;
		Object item = connection.item.getAndSet(null);
		if (item != null) {
			connection.outstanding = false;
			if (item instanceof Head received) {
				connection.headSeen = true;
				onHead(connection, received);
			}
			else {
				onChunk((DataBuffer) item);
			}
		}
		if (ended != null && this.upstream == connection) {
			this.upstream = null;
			onUpstreamEnd((ended != COMPLETE) ? (Throwable) ended : null);
		}
	}

	private void onHead(Connection connection, Head received) {
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
				resumeFailed(new SseResponseException(this.options.client().name(), received.status(),
						received.headers().getFirst(HttpHeaders.CONTENT_TYPE), ""));
			}
			else {
				this.phase = Phase.STREAMING;
				this.relay.resumed();
				this.statistics.resumes.increment();
				this.listener.resume(this.options.client().name(), ResumeOutcome.RESUMED);
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
		this.listener.streamOpened(this.options.client().name(), Duration.ofNanos(now - this.startedAt));
		scheduleTick(now);
		this.head.success(new ResponseEntity<>(body(), headers, HttpStatus.OK));
	}

	private void onChunk(DataBuffer chunk) {
		byte[] relayed;
		try {
			relayed = this.relay.relay(chunk);
		}
		catch (SseLimitExceededException ex) {
			endUpstream(ex);
			return;
		}
		finally {
			DataBufferUtils.release(chunk);
		}
		if (relayed != null) {
			int count = this.relay.events();
			enqueue(relayed);
			if (count > 0) {
				if (this.events == 0) {
					this.listener.firstEvent(this.options.client().name(), Duration.ofNanos(now() - this.startedAt));
				}
				this.events += count;
				this.statistics.events.add(count);
				// A new event: the resume streak (if any) is over.
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
		Connection connection = this.upstream;
		this.upstream = null;
		if (connection != null) {
			connection.cancel();
		}
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
					: new SseResponseException(this.options.client().name(), 200, null, "ended before any event"));
			default -> {
			}
		}
	}

	private void readMore() {
		Connection connection = this.upstream;
		if (connection == null || !connection.headSeen || connection.outstanding || this.phase != Phase.STREAMING) {
			return;
		}
		if (buffered() < this.options.bufferSize()) {
			if (this.fullSince >= 0) {
				this.fullSince = -1;
				this.awaitingCredit = false;
			}
			connection.requestNext();
			return;
		}
		// Full: the next release wakes the stream up (set before the check above is
		// repeated by that wake-up, so none is lost).
		this.awaitingCredit = true;
		if (this.fullSince < 0) {
			this.fullSince = now();
			this.statistics.slowClientPauses.increment();
			this.listener.slowClient(this.options.client().name(), SlowClientAction.PAUSED);
			if (this.options.slowClientPolicy() == SlowClientPolicy.DROP) {
				dropSlowClient();
				return;
			}
			ensureTickBy(this.fullSince + this.options.slowClientTimeoutNanos());
		}
	}

	private long buffered() {
		return this.outboxBytes + this.emittedBytes - this.released.get();
	}

	// Resume

	private void startResume(Throwable error) {
		this.phase = Phase.RESUMING;
		this.resumeFailure = error;
		if (this.resumeStreakStart < 0) {
			this.resumeStreakStart = now();
		}
		logger.debug("SSE stream of client '" + this.options.client().name() + "' lost its upstream, resuming after "
				+ this.relay.lastEventId() + ": " + error);
		scheduleResume();
	}

	private void resumeFailed(Throwable error) {
		this.statistics.resumeAttemptsFailed.increment();
		this.listener.resume(this.options.client().name(), ResumeOutcome.ATTEMPT_FAILED);
		this.resumeFailure = error;
		if (!Resumable.attemptError(error)) {
			giveUpResume();
			return;
		}
		scheduleResume();
	}

	private void scheduleResume() {
		io.httpsentinel.client.SseResumeSettings settings = this.options.resumeSettings();
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
		this.listener.resume(this.options.client().name(), ResumeOutcome.GAVE_UP);
		Throwable failure = this.resumeFailure;
		finish(StreamEnd.UPSTREAM_FAILED, (failure != null) ? failure : new IllegalStateException("resume failed"));
	}

	// Downstream

	private void enqueue(byte[] bytes) {
		this.outbox.add(DownstreamBuffers.wrap(bytes, this));
		this.outboxBytes += bytes.length;
		this.bytes += bytes.length;
		this.statistics.bytes.add(bytes.length);
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
		while (!this.outbox.isEmpty() && !this.cancelled) {
			long demand = this.requested;
			if (demand == 0) {
				return;
			}
			DataBuffer next = this.outbox.poll();
			int size = next.readableByteCount();
			this.outboxBytes -= size;
			this.emittedBytes += size;
			if (demand != Long.MAX_VALUE) {
				REQUESTED.decrementAndGet(this);
			}
			subscriber.onNext(next);
		}
	}

	/**
	 * End the stream after the upstream's end or failure: the error event (if any), then
	 * completion once the outbox is written.
	 */
	private void finish(StreamEnd how, @Nullable Throwable error) {
		Connection connection = this.upstream;
		this.upstream = null;
		if (connection != null) {
			connection.cancel();
		}
		disposeResumeTask();
		this.end = how;
		this.phase = Phase.ENDING;
		if (error != null) {
			logger.warn("SSE stream of client '" + this.options.client().name() + "' failed after " + this.events
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
		if (!this.outbox.isEmpty() && this.fullSince < 0) {
			// What is left must be written within the slow-client timeout.
			this.fullSince = now();
			ensureTickBy(this.fullSince + this.options.slowClientTimeoutNanos());
		}
	}

	private void refuse(UpstreamRefusal refusal, @Nullable Throwable error) {
		String name = this.options.client().name();
		if (error != null) {
			logger.warn("SSE stream of client '" + name + "' refused with " + refusal.status().value() + ": " + error);
		}
		else {
			logger.warn("SSE stream of client '" + name + "' refused with " + refusal.status().value() + ": "
					+ refusal.detail());
		}
		this.statistics.refused.increment();
		this.listener.streamRefused(name, refusal.status().value());
		close(null);
		this.head.success(refusal.toResponse());
	}

	private void onShutdown() {
		if (this.phase == Phase.CONNECTING) {
			this.statistics.refused.increment();
			this.listener.streamRefused(this.options.client().name(), HttpStatus.SERVICE_UNAVAILABLE.value());
			close(null);
			this.head.success(UpstreamRefusal.shuttingDown().toResponse());
		}
		else if (this.phase == Phase.STREAMING || this.phase == Phase.RESUMING) {
			finish(StreamEnd.SHUTDOWN, null);
		}
	}

	private void dropSlowClient() {
		String name = this.options.client().name();
		logger.warn("SSE stream of client '" + name + "': dropping a downstream client that read nothing for "
				+ Duration.ofNanos(now() - this.fullSince) + " with " + buffered() + " bytes buffered");
		this.statistics.slowClientDrops.increment();
		this.listener.slowClient(name, SlowClientAction.DROPPED);
		Runnable abort = this.abortDownstream;
		CoreSubscriber<? super DataBuffer> subscriber = this.body;
		close(StreamEnd.SLOW_CLIENT_DROPPED);
		if (abort != null) {
			abort.run();
		}
		else if (subscriber != null) {
			subscriber.onError(new SlowClientException(name));
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
	 * @param how how it ended, or {@code null} if it never opened
	 */
	private void close(@Nullable StreamEnd how) {
		if (this.phase == Phase.DONE) {
			return;
		}
		this.phase = Phase.DONE;
		this.awaitingCredit = false;
		Connection connection = this.upstream;
		this.upstream = null;
		if (connection != null) {
			connection.cancel();
		}
		disposeResumeTask();
		if (this.tick != null) {
			this.tick.dispose();
			this.tick = null;
		}
		DataBuffer buffer;
		while ((buffer = this.outbox.poll()) != null) {
			DataBufferUtils.release(buffer);
		}
		this.outboxBytes = 0;
		this.proxy.closed(this);
		if (how != null) {
			String name = this.options.client().name();
			if (logger.isDebugEnabled()) {
				logger.debug("SSE stream of client '" + name + "' ended (" + how + ") after " + this.events
						+ " events, " + this.bytes + " bytes");
			}
			this.listener.streamClosed(name, how, Duration.ofNanos(now() - this.startedAt), this.events, this.bytes);
		}
	}

	private void disposeResumeTask() {
		if (this.resumeTask != null) {
			this.resumeTask.dispose();
			this.resumeTask = null;
		}
	}

	// Timer: one per stream, for heartbeats, the slow-client timeout and a body that is
	// never subscribed. It is rescheduled when it fires, not on every event.

	private void onTick() {
		this.tick = null;
		long now = now();
		if (this.fullSince >= 0 && now - this.fullSince >= this.options.slowClientTimeoutNanos() && buffered() > 0) {
			dropSlowClient();
			return;
		}
		if (!this.bodyStarted && this.phase != Phase.CONNECTING
				&& now - this.committedAt >= BODY_SUBSCRIBE_TIMEOUT_NANOS) {
			logger.warn("SSE stream of client '" + this.options.client().name()
					+ "': the response body was never subscribed; closing it");
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

	/**
	 * Response headers of an upstream connection.
	 */
	private record Head(int status, HttpHeaders headers) {

		boolean isEventStream() {
			if (this.status < 200 || this.status > 299 || this.status == 204) {
				return false;
			}
			String type = this.headers.getFirst(HttpHeaders.CONTENT_TYPE);
			try {
				return type != null && MediaType.TEXT_EVENT_STREAM.equalsTypeAndSubtype(MediaType.parseMediaType(type));
			}
			catch (IllegalArgumentException ex) {
				return false;
			}
		}

	}

	/**
	 * Subscriber of one upstream connection: its head, then its chunks, each requested by
	 * the stream when it has room, one at a time.
	 */
	private final class Connection implements CoreSubscriber<Object> {

		@SuppressWarnings("rawtypes")
		private static final AtomicReferenceFieldUpdater<Connection, Subscription> SUBSCRIPTION = AtomicReferenceFieldUpdater
			.newUpdater(Connection.class, Subscription.class, "subscription");

		private volatile @Nullable Subscription subscription;

		final AtomicReference<@Nullable Object> item = new AtomicReference<>();

		volatile @Nullable Object end;

		private volatile boolean cancelled;

		/** A request is outstanding (the head's is made on subscribe); drain-owned. */
		boolean outstanding = true;

		/** Drain-owned. */
		boolean headSeen;

		@Override
		public Context currentContext() {
			return Context.of(ProxyStream.this.context);
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.setOnce(SUBSCRIPTION, this, subscription)) {
				subscription.request(1);
			}
		}

		@Override
		public void onNext(Object next) {
			this.item.set(next);
			if (this.cancelled) {
				discard(this.item.getAndSet(null));
				return;
			}
			drain();
		}

		@Override
		public void onError(Throwable error) {
			this.end = error;
			drain();
		}

		@Override
		public void onComplete() {
			this.end = COMPLETE;
			drain();
		}

		void requestNext() {
			this.outstanding = true;
			Subscription current = this.subscription;
			if (current != null) {
				current.request(1);
			}
		}

		void cancel() {
			this.cancelled = true;
			Operators.terminate(SUBSCRIPTION, this);
			discard(this.item.getAndSet(null));
		}

		private static void discard(@Nullable Object item) {
			if (item instanceof DataBuffer buffer) {
				DataBufferUtils.release(buffer);
			}
		}

	}

}
