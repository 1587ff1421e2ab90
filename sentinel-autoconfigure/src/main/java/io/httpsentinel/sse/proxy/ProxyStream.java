package io.httpsentinel.sse.proxy;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import io.httpsentinel.sse.EventRelay;
import io.httpsentinel.sse.SlowClientPolicy;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseLimitExceededException;
import io.httpsentinel.sse.SseResponseException;
import io.httpsentinel.sse.SseWriter;
import io.httpsentinel.sse.proxy.SseProxyListener.StreamEnd;
import io.httpsentinel.sse.proxy.UpstreamConnection.Head;

/**
 * One forwarded stream: reads its {@link Upstream} one chunk at a time, relays the events
 * into its {@link ResponseBody} as far as the downstream asks for them, sends heartbeats,
 * resumes a failed upstream, and applies the slow-client policy.
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
 * every event ({@link DeadlineTimer}). A failed upstream is resumed by a
 * {@link StreamResume}; what happens is told to the {@link StreamReport}.
 */
final class ProxyStream implements UpstreamConnection.Receiver {

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

	private final ResponseHead response;

	private final EventRelay relay;

	private final Upstream upstream;

	private final StreamDeadlines deadlines;

	private final ResponseBody body;

	private final DeadlineTimer tick;

	// Signals from other threads.

	private volatile int wip;

	private volatile boolean shutdownRequested;

	/** Written before {@link #shutdownRequested}. */
	private Duration shutdownRetry = Duration.ZERO;

	private volatile boolean tickDue;

	private volatile boolean resumeDue;

	// State owned by the drain loop.

	private Phase phase = Phase.CONNECTING;

	private boolean connectPending = true;

	private @Nullable StreamResume resume;

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
		this.response = new ResponseHead(head, options, clock);
		this.deadlines = new StreamDeadlines(options.heartbeatNanos(), options.slowClientTimeoutNanos());
		this.body = new ResponseBody(this::drain, report, this.deadlines, this::now);
		this.relay = EventRelay.create(options.limits(), options.hooks(), options.resume(), lastEventId,
				this.body::newBuffer);
		this.upstream = new Upstream(options, Context.of(head.contextView()), this::drain);
		this.tick = new DeadlineTimer(timer, () -> {
			this.tickDue = true;
			drain();
		});
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
		this.body.abortWith(abort);
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
		this.upstream.deliverTo(this);
		if (this.resumeDue) {
			this.resumeDue = false;
			if (this.phase == Phase.RESUMING && !this.upstream.isConnected()) {
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
		this.body.emit();
		if (this.phase == Phase.ENDING && this.body.isWritten()) {
			// Closed first: whoever sees the body complete sees the stream's permits,
			// metrics and listener calls done.
			close(this.end);
			this.body.complete();
			return;
		}
		readMore();
	}

	// Upstream

	private void connect() {
		this.upstream.connect(this.relay.lastEventId(), this.phase == Phase.CONNECTING);
	}

	@Override
	public void head(Head received) {
		if (!received.isEventStream()) {
			// Detached, not cancelled: the exchange ends by itself once Spring released
			// the body, which returns the connection to the pool (a cancel could strand
			// it).
			this.upstream.detach();
		}
		if (this.phase == Phase.CONNECTING) {
			if (received.isEventStream()) {
				commit(received.headers());
			}
			else {
				refuse(this.response.refusalOf(received), null);
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
				Objects.requireNonNull(this.resume).resumed();
			}
		}
	}

	private void commit(HttpHeaders upstreamHeaders) {
		this.phase = Phase.STREAMING;
		long now = now();
		this.deadlines.committed(now);
		this.report.opened();
		scheduleTick(now);
		this.response.commit(upstreamHeaders, this.body);
	}

	@Override
	public void chunk(DataBuffer chunk) {
		io.netty.buffer.ByteBuf relayed;
		try {
			relayed = this.relay.relay(chunk);
		}
		catch (SseLimitExceededException ex) {
			endUpstream(ex);
			return;
		}
		if (relayed != null) {
			int count = this.relay.events();
			this.body.add(relayed);
			if (count > 0) {
				this.report.eventsForwarded(count);
				if (this.resume != null) {
					this.resume.eventForwarded();
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
		this.upstream.detach();
		this.relay.connectionEnded();
		switch (this.phase) {
			case CONNECTING -> refuse(this.response.refusalOf(error), error);
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
		if (this.phase != Phase.STREAMING || !this.upstream.awaitsRequest()) {
			return;
		}
		if (this.body.hasRoom(this.options.bufferSize())) {
			this.upstream.requestNext();
			return;
		}
		// Full: the next release wakes the stream up, and this runs again.
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
		if (this.resume == null) {
			this.resume = new StreamResume(this.options.resumeSettings(), this.timer, this::now, () -> {
				this.resumeDue = true;
				drain();
			}, this.report);
		}
		endIfGivenUp(this.resume.failed(error, this.relay.lastEventId(), this.relay.reconnectionTime()));
	}

	private void resumeFailed(Throwable error) {
		endIfGivenUp(Objects.requireNonNull(this.resume).attemptFailed(error, this.relay.reconnectionTime()));
	}

	private void endIfGivenUp(@Nullable Throwable failure) {
		if (failure != null) {
			finish(StreamEnd.UPSTREAM_FAILED, failure);
		}
	}

	// Ends

	/**
	 * End the stream after the upstream's end or failure (or at shutdown): the error
	 * event, if any, then completion once the outbox is written.
	 */
	private void finish(StreamEnd how, @Nullable Throwable error) {
		this.upstream.cancel();
		cancelResume();
		this.end = how;
		this.phase = Phase.ENDING;
		if (error != null) {
			this.report.failed(error);
			SseEvent event = this.options.errorEvent().apply(error);
			if (event != null) {
				this.body.add(SseWriter.encode(event));
				this.report.errorEventSent();
			}
		}
		if (how == StreamEnd.SHUTDOWN && !this.shutdownRetry.isZero()) {
			this.body.add(SseWriter.encode(SseEvent.builder().retry(this.shutdownRetry).build()));
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
		this.response.refuse(refusal);
	}

	private void onShutdown() {
		if (this.phase == Phase.CONNECTING) {
			this.report.refused(HttpStatus.SERVICE_UNAVAILABLE.value());
			close(null);
			this.response.refuse(UpstreamRefusal.shuttingDown());
		}
		else if (this.phase == Phase.STREAMING || this.phase == Phase.RESUMING) {
			finish(StreamEnd.SHUTDOWN, null);
		}
	}

	private void dropSlowClient() {
		this.report.slowClientDropped(this.deadlines.fullFor(now()), this.body.held());
		close(StreamEnd.SLOW_CLIENT_DROPPED);
		this.body.drop(this.report.client());
	}

	private void failInternally(Throwable error) {
		if (this.phase == Phase.CONNECTING) {
			close(null);
			this.response.refuse(new UpstreamRefusal(HttpStatus.INTERNAL_SERVER_ERROR, null, "Proxy error"));
		}
		else if (this.phase != Phase.DONE) {
			close(StreamEnd.UPSTREAM_FAILED);
			this.body.fail(error);
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
		this.upstream.cancel();
		cancelResume();
		this.tick.cancel();
		this.body.clear();
		this.relay.release();
		this.streams.ended(this, this.report.statistics());
		this.report.closed(this.deadlines.isCommitted() ? how : null);
	}

	private void cancelResume() {
		if (this.resume != null) {
			this.resume.cancel();
		}
	}

	// Timer

	private void onTick() {
		this.tick.fired();
		long now = now();
		boolean idle = (this.phase == Phase.STREAMING || this.phase == Phase.RESUMING) && this.body.isEmpty();
		switch (this.deadlines.due(now, this.body.isStarted(), this.body.held() > 0, idle)) {
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
				this.body.add(ResponseBody.HEARTBEAT);
				this.report.heartbeat();
			}
			case NOTHING -> {
			}
		}
		scheduleTick(now);
	}

	private void scheduleTick(long now) {
		long next = this.deadlines.next(now, this.body.isStarted(), this.phase == Phase.ENDING);
		if (next != StreamDeadlines.NONE) {
			this.tick.set(next, now);
		}
	}

	private void ensureTickBy(long deadline) {
		this.tick.setBy(deadline, now());
	}

	private long now() {
		return this.timer.now(TimeUnit.NANOSECONDS);
	}

}
