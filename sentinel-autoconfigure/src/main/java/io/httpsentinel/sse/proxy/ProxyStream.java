package io.httpsentinel.sse.proxy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import io.httpsentinel.sse.EventRelay;
import io.httpsentinel.sse.ReconnectStreak;
import io.httpsentinel.sse.SlowClientPolicy;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseLimitExceededException;
import io.httpsentinel.sse.SseResponseException;
import io.httpsentinel.sse.SseWriter;
import io.httpsentinel.sse.proxy.SseProxyListener.StreamEnd;
import io.httpsentinel.sse.proxy.UpstreamConnection.Head;

/**
 * One forwarded stream: reads its upstream one chunk at a time, relays the events into
 * its {@link Outbox}, hands the outbox to the {@link DownstreamBody} as it asks for it,
 * sends heartbeats, resumes a failed upstream, and applies the slow-client policy.
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
 * never subscribed ({@link StreamDeadlines}); it is rescheduled when it fires, not on
 * every event. Resumes follow a {@link ReconnectStreak}; what happens is told to the
 * {@link StreamReport}.
 */
final class ProxyStream implements UpstreamConnection.Receiver {

	/** Sent when the body starts, so that the response is committed at once. */
	private static final byte[] OPEN = { ':', '\n', '\n' };

	private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final AtomicIntegerFieldUpdater<ProxyStream> WIP = AtomicIntegerFieldUpdater
		.newUpdater(ProxyStream.class, "wip");

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

	private final StreamOptions options;

	private final StreamReport report;

	private final OpenStreams streams;

	private final Scheduler timer;

	private final Clock clock;

	private final MonoSink<ResponseEntity<Flux<DataBuffer>>> head;

	private final Context context;

	private final EventRelay relay;

	private final Outbox outbox = new Outbox(this::drain);

	private final DownstreamBody body = new DownstreamBody(this::drain);

	private final StreamDeadlines deadlines;

	// Signals from other threads.

	private volatile int wip;

	private volatile boolean shutdownRequested;

	/** Written before {@link #shutdownRequested}. */
	private Duration shutdownRetry = Duration.ZERO;

	private volatile boolean tickDue;

	private volatile boolean resumeDue;

	private volatile @Nullable Runnable abortDownstream;

	// State owned by the drain loop.

	private Phase phase = Phase.CONNECTING;

	private boolean connectPending = true;

	private @Nullable UpstreamConnection upstream;

	private boolean bodyStarted;

	private @Nullable Disposable tick;

	private long tickAt;

	private @Nullable ReconnectStreak resumeStreak;

	private @Nullable Throwable resumeFailure;

	private @Nullable Disposable resumeTask;

	private StreamEnd end = StreamEnd.COMPLETED;

	/**
	 * A stream admitted by the proxy.
	 * @param options what the stream needs to know
	 * @param report told what happens to the stream
	 * @param streams told when the stream ends
	 * @param timer where timers run and the time is read
	 * @param clock the wall clock, to turn a host pause's end into a {@code Retry-After}
	 * @param head completed with the response once the upstream answered
	 * @param lastEventId the {@code Last-Event-ID} to send upstream, {@code ""} for none
	 */
	ProxyStream(StreamOptions options, StreamReport report, OpenStreams streams, Scheduler timer, Clock clock,
			MonoSink<ResponseEntity<Flux<DataBuffer>>> head, String lastEventId) {
		this.options = options;
		this.report = report;
		this.streams = streams;
		this.timer = timer;
		this.clock = clock;
		this.head = head;
		this.context = Context.of(head.contextView());
		this.relay = new EventRelay(options.limits(), options.hooks(), options.resume(), lastEventId,
				this.outbox::newBuffer);
		this.deadlines = new StreamDeadlines(options.heartbeatNanos(), options.slowClientTimeoutNanos());
		head.onCancel(this.body::cancel);
	}

	/**
	 * Connect the upstream.
	 */
	void start() {
		drain();
	}

	/**
	 * End the stream because the application shuts down: before its headers, with 503;
	 * after, cleanly.
	 * @param retry the reconnection time to announce ({@code retry:}), or
	 * {@link Duration#ZERO} for none
	 */
	void shutdown(Duration retry) {
		this.shutdownRetry = retry;
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
				this.report.failedInternally(ex);
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
		if (this.body.isCancelled()) {
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
		// Everything that arrived: several wake-ups may have led to one pass.
		while (connection != null && this.upstream == connection && connection.deliverNext(this)) {
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
		CoreSubscriber<? super DataBuffer> subscriber = this.body.subscriber();
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
		this.upstream = UpstreamConnection.open(this.options.webClient(), this.options.request(),
				this.relay.lastEventId(), this.phase == Phase.CONNECTING, this.context, this::drain);
	}

	@Override
	public void head(Head received) {
		if (!received.isEventStream()) {
			// Detached, not cancelled: the exchange ends by itself once Spring released
			// the body, which returns the connection to the pool (a cancel could strand
			// it).
			this.upstream = null;
		}
		if (this.phase == Phase.CONNECTING) {
			if (received.isEventStream()) {
				commit(received.headers());
			}
			else {
				refuse(UpstreamRefusal.of(received.status(), received.headers(), this.clock), null);
			}
		}
		else if (this.phase == Phase.RESUMING) {
			if (received.status() == HttpStatus.NO_CONTENT.value()) {
				finish(StreamEnd.COMPLETED, null);
			}
			else if (!received.isEventStream()) {
				resumeFailed(new SseResponseException(this.report.client(), received.status(),
						received.headers().getFirst(HttpHeaders.CONTENT_TYPE), ""));
			}
			else {
				this.phase = Phase.STREAMING;
				this.relay.resumed();
				this.report.resumed();
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
		this.deadlines.committed(now);
		this.report.opened();
		scheduleTick(now);
		this.head.success(new ResponseEntity<>(this.body, headers, HttpStatus.OK));
	}

	@Override
	public void chunk(DataBuffer chunk) {
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
				this.report.eventsForwarded(count);
				if (this.resumeStreak != null) {
					// A new event: a streak of resumes, if any, is over.
					this.resumeStreak.reset();
				}
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

	@Override
	public void end(@Nullable Throwable error) {
		this.upstream = null;
		this.relay.connectionEnded();
		switch (this.phase) {
			case CONNECTING -> refuse((error != null) ? UpstreamRefusal.of(error, this.options.client(), this.clock)
					: UpstreamRefusal.of(HttpStatus.BAD_GATEWAY.value(), HttpHeaders.EMPTY, this.clock), error);
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
			case RESUMING -> resumeFailed((error != null) ? error : new SseResponseException(this.report.client(),
					HttpStatus.BAD_GATEWAY.value(), null, "no response"));
			default -> {
			}
		}
	}

	private void readMore() {
		UpstreamConnection connection = this.upstream;
		if (connection == null || !connection.headSeen() || connection.outstanding() || this.phase != Phase.STREAMING) {
			return;
		}
		if (this.outbox.held() < this.options.bufferSize()) {
			if (this.deadlines.caughtUp()) {
				this.outbox.awaitRoom(false);
			}
			connection.requestNext();
			return;
		}
		// Full: the next release wakes the stream up, and this runs again.
		this.outbox.awaitRoom(true);
		if (!this.deadlines.isFull()) {
			this.deadlines.full(now());
			if (this.options.slowClientPolicy() == SlowClientPolicy.DROP) {
				dropSlowClient();
				return;
			}
			ensureTickBy(this.deadlines.slowClientDeadline());
			this.report.slowClientPaused();
		}
	}

	// Resume

	private void startResume(Throwable error) {
		this.phase = Phase.RESUMING;
		this.resumeFailure = error;
		if (this.resumeStreak == null) {
			this.resumeStreak = ReconnectStreak.of(this.options.resumeSettings(), this::now);
		}
		this.report.resuming(this.relay.lastEventId(), error);
		scheduleResume();
	}

	private void resumeFailed(Throwable error) {
		this.report.resumeAttemptFailed();
		this.resumeFailure = error;
		if (Resumable.attemptError(error)) {
			scheduleResume();
		}
		else {
			giveUpResume();
		}
	}

	private void scheduleResume() {
		Duration delay = Objects.requireNonNull(this.resumeStreak).nextDelay(this.relay.reconnectionTime());
		if (delay == null) {
			giveUpResume();
			return;
		}
		this.resumeTask = this.timer.schedule(() -> {
			this.resumeDue = true;
			drain();
		}, delay.toNanos(), TimeUnit.NANOSECONDS);
	}

	private void giveUpResume() {
		this.report.resumeGaveUp();
		Throwable failure = this.resumeFailure;
		finish(StreamEnd.UPSTREAM_FAILED, (failure != null) ? failure : new IllegalStateException("resume failed"));
	}

	// Downstream

	private void enqueue(byte[] bytes) {
		this.outbox.add(bytes);
		wrote(bytes.length);
	}

	private void enqueue(ByteBuf bytes) {
		int size = bytes.readableBytes();
		this.outbox.add(bytes);
		wrote(size);
	}

	private void wrote(int size) {
		this.report.bytesForwarded(size);
		this.deadlines.wrote(now());
	}

	private void toDownstream() {
		if (!this.bodyStarted) {
			if (this.body.subscriber() == null) {
				return;
			}
			this.bodyStarted = true;
			if (this.outbox.isEmpty()) {
				// WebFlux commits the response with the first body element: without one,
				// a quiet upstream would keep the client waiting for the headers.
				enqueue(OPEN);
			}
		}
		this.body.emit(this.outbox);
	}

	// Ends

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
			this.report.failed(error);
			SseEvent event = this.options.errorEvent().apply(error);
			if (event != null) {
				enqueue(SseWriter.encode(event));
				this.report.errorEventSent();
			}
		}
		if (how == StreamEnd.SHUTDOWN && !this.shutdownRetry.isZero()) {
			enqueue(SseWriter.encode(SseEvent.builder().retry(this.shutdownRetry).build()));
		}
		if (!this.deadlines.isFull()) {
			// What is left must be written within the slow-client timeout.
			this.deadlines.full(now());
			ensureTickBy(this.deadlines.slowClientDeadline());
		}
	}

	private void refuse(UpstreamRefusal refusal, @Nullable Throwable error) {
		this.report.refusedByUpstream(refusal.status().value(), (error != null) ? error : refusal.detail());
		close(null);
		this.head.success(refusal.toResponse());
	}

	private void onShutdown() {
		if (this.phase == Phase.CONNECTING) {
			this.report.refused(HttpStatus.SERVICE_UNAVAILABLE.value());
			close(null);
			this.head.success(UpstreamRefusal.shuttingDown().toResponse());
		}
		else if (this.phase == Phase.STREAMING || this.phase == Phase.RESUMING) {
			finish(StreamEnd.SHUTDOWN, null);
		}
	}

	private void dropSlowClient() {
		this.report.slowClientDropped(this.deadlines.fullFor(now()), this.outbox.held());
		Runnable abort = this.abortDownstream;
		CoreSubscriber<? super DataBuffer> subscriber = this.body.subscriber();
		close(StreamEnd.SLOW_CLIENT_DROPPED);
		if (abort != null) {
			// Closing the connection is the only way out when writes are stuck: the
			// writer would deliver an error only after its pending writes.
			abort.run();
		}
		else if (subscriber != null) {
			subscriber.onError(new SlowClientException(this.report.client()));
		}
	}

	private void failInternally(Throwable error) {
		if (this.phase == Phase.CONNECTING) {
			close(null);
			this.head.success(new UpstreamRefusal(HttpStatus.INTERNAL_SERVER_ERROR, null, "Proxy error").toResponse());
		}
		else if (this.phase != Phase.DONE) {
			CoreSubscriber<? super DataBuffer> subscriber = this.body.subscriber();
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
		this.streams.ended(this, this.report.statistics());
		this.report.closed(this.deadlines.isCommitted() ? how : null);
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
		boolean idle = (this.phase == Phase.STREAMING || this.phase == Phase.RESUMING) && this.outbox.isEmpty();
		switch (this.deadlines.due(now, this.bodyStarted, this.outbox.held() > 0, idle)) {
			case DROP_SLOW_CLIENT -> {
				dropSlowClient();
				return;
			}
			case ABANDON_BODY -> {
				this.report.bodyNeverSubscribed();
				close(StreamEnd.CLIENT_LEFT);
				return;
			}
			case HEARTBEAT -> {
				enqueue(HEARTBEAT);
				this.report.heartbeat();
			}
			case NOTHING -> {
			}
		}
		scheduleTick(now);
	}

	private void scheduleTick(long now) {
		long next = this.deadlines.next(now, this.bodyStarted, this.phase == Phase.ENDING);
		if (next != StreamDeadlines.NONE) {
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
