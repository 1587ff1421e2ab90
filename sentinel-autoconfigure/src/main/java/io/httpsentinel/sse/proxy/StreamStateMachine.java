package io.httpsentinel.sse.proxy;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import io.httpsentinel.resilience.DeadlineTimer;
import io.httpsentinel.sse.EventRelay;
import io.httpsentinel.sse.SlowClientPolicy;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseLimitExceededException;
import io.httpsentinel.sse.SseWriter;
import io.httpsentinel.sse.proxy.SseProxyListener.StreamEnd;
import io.httpsentinel.sse.proxy.UpstreamConnection.Head;

/**
 * The state machine of one forwarded stream: what a drain pass of its {@link ProxyStream}
 * does in each {@link StreamPhase}. It takes what its {@link Upstream} received, relays
 * the events into its {@link ResponseBody}, asks for more while the client has room,
 * resumes a failed upstream ({@link StreamResume}), acts on the deadline that came
 * ({@link StreamDeadlines}, {@link StreamTimer}), and ends the stream: with what is left
 * written, or at once, releasing everything. Single-threaded: only the drain loop calls
 * it.
 */
final class StreamStateMachine implements UpstreamConnection.Receiver {

	private final ProxyStream stream;

	private final StreamOptions options;

	private final StreamReport report;

	private final OpenStreams streams;

	private final Scheduler scheduler;

	private final ResponseHead response;

	private final EventRelay relay;

	private final Upstream upstream;

	private final StreamDeadlines deadlines;

	private final ResponseBody body;

	private final StreamTimer timer;

	private StreamPhase phase = StreamPhase.CONNECTING;

	private boolean connectPending = true;

	private @Nullable StreamResume resume;

	private StreamEnd end = StreamEnd.COMPLETED;

	// Whether a pass later in this turn of the event loop hands the body what is queued.
	private boolean emitScheduled;

	private final Runnable emitTask;

	/**
	 * The state of a stream admitted by the proxy, not connected yet.
	 * @param stream the stream, woken up by the signals of the parts
	 * @param options what the stream needs to know
	 * @param report told what happens to the stream
	 * @param streams told when the stream ends
	 * @param scheduler where resume delays run and the time is read
	 * @param timers where the stream's timer runs
	 * @param clock the wall clock, to turn a host pause's end into a {@code Retry-After}
	 * @param head completed with the response once the upstream answered
	 * @param lastEventId the {@code Last-Event-ID} to send upstream, {@code ""} for none
	 */
	StreamStateMachine(ProxyStream stream, StreamOptions options, StreamReport report, OpenStreams streams,
			Scheduler scheduler, DeadlineTimer timers, Clock clock, MonoSink<ResponseEntity<Flux<DataBuffer>>> head,
			String lastEventId) {
		this.stream = stream;
		this.options = options;
		this.report = report;
		this.streams = streams;
		this.scheduler = scheduler;
		this.response = new ResponseHead(head, options, clock);
		this.deadlines = new StreamDeadlines(options.heartbeatNanos(), options.slowClientTimeoutNanos(),
				timers.precisionNanos());
		this.body = new ResponseBody(stream::drain, report, this.deadlines, this::now);
		this.relay = EventRelay.create(options.limits(), options.hooks(), options.resume(), lastEventId,
				this.body::newBuffer);
		this.upstream = new Upstream(options, Context.of(head.contextView()), stream::drain);
		this.timer = new StreamTimer(timers, this.deadlines, stream::tickDue);
		this.emitTask = stream::emitDue;
	}

	/**
	 * The body of the stream's response, whose signals may come from any thread.
	 * @return the body
	 */
	ResponseBody body() {
		return this.body;
	}

	/**
	 * One drain pass: act on what happened since the last one, in order.
	 * @param shutdown the reconnection time to announce if the application shuts down
	 * ({@link Duration#ZERO} for none), or {@code null} if it does not
	 * @param tick whether the stream's timer fired
	 * @param reconnect whether the time to reconnect a failed upstream came
	 * @param emit whether the pass {@link #emitLater() scheduled} to hand the body what
	 * is queued came
	 */
	void pass(@Nullable Duration shutdown, boolean tick, boolean reconnect, boolean emit) {
		if (emit) {
			this.emitScheduled = false;
		}
		if (this.phase == StreamPhase.DONE) {
			return;
		}
		if (this.body.isCancelled()) {
			close(StreamEnd.CLIENT_LEFT);
			return;
		}
		if (shutdown != null) {
			shutDown(shutdown);
			if (this.phase == StreamPhase.DONE) {
				// Refused before its first pass connected it: never connect it now.
				return;
			}
		}
		if (this.connectPending) {
			this.connectPending = false;
			this.upstream.connect(this.relay.lastEventId());
		}
		this.upstream.deliverTo(this);
		if (reconnect && this.phase == StreamPhase.RESUMING && !this.upstream.isConnected()) {
			this.upstream.connect(this.relay.lastEventId());
		}
		if (tick) {
			onTick();
		}
		if (this.phase == StreamPhase.DONE) {
			return;
		}
		if (emit || !emitLater()) {
			this.body.emit();
		}
		if (this.phase == StreamPhase.ENDING && this.body.isWritten()) {
			// Closed first: whoever sees the body complete sees the stream's permits,
			// metrics and listener calls done.
			close(this.end);
			this.body.complete();
			return;
		}
		readMore();
	}

	/**
	 * While streaming on an event loop, leave what is queued to a pass that runs once the
	 * loop has handled all the reads it is at: the upstream's chunks that one read of its
	 * connection brings (an event each, typically, when it writes events one by one) then
	 * go to the server as one buffer, written and flushed once instead of once each. The
	 * bytes wait for the rest of the read only, microseconds, and count as held.
	 * @return whether a later pass emits
	 */
	private boolean emitLater() {
		if (this.phase != StreamPhase.STREAMING || !this.body.isStarted() || this.body.isEmpty()) {
			return false;
		}
		if (this.emitScheduled) {
			return true;
		}
		// The loop running this pass, if any. Netty keeps it per thread in an internal
		// class (public, stable since 4.1.25); the exchange does not expose its channel.
		// Off an event loop (the servlet stack) it is null and the bytes go out at once.
		EventExecutor loop = ThreadExecutorMap.currentExecutor();
		if (loop == null || loop.isShuttingDown()) {
			return false;
		}
		try {
			loop.execute(this.emitTask);
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
		this.emitScheduled = true;
		return true;
	}

	// Upstream

	@Override
	public void head(Head received) {
		if (!received.isEventStream()) {
			// Detached, not cancelled: the exchange ends by itself once Spring released
			// the body, which returns the connection to the pool (a cancel could strand
			// it).
			this.upstream.detach();
		}
		if (this.phase == StreamPhase.CONNECTING) {
			if (received.isEventStream()) {
				commit(received.headers());
			}
			else {
				refuse(this.response.refusalOf(received), null);
			}
		}
		else if (this.phase == StreamPhase.RESUMING) {
			follow(resume().answered(received, this.relay.reconnectionTime()));
		}
	}

	private void commit(HttpHeaders upstreamHeaders) {
		this.phase = StreamPhase.STREAMING;
		long now = now();
		this.deadlines.committed(now);
		this.report.opened();
		this.timer.setNext(now, this.body.isStarted(), false);
		this.response.commit(upstreamHeaders, this.body);
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
			case RESUMING -> follow(resume().ended(error, this.relay.reconnectionTime()));
			default -> {
			}
		}
	}

	private void readMore() {
		if (this.phase != StreamPhase.STREAMING || !this.upstream.awaitsRequest()) {
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
			this.timer.setBy(this.deadlines.slowClientDeadline(), now());
			this.report.slowClientPaused();
		}
	}

	// Resume

	private void startResume(Throwable error) {
		this.phase = StreamPhase.RESUMING;
		if (this.resume == null) {
			this.resume = new StreamResume(this.options.resumeSettings(), this.scheduler, this::now,
					this.stream::reconnectDue, this.report);
		}
		follow(this.resume.failed(error, this.relay.lastEventId(), this.relay.reconnectionTime()));
	}

	private void follow(StreamResume.Outcome outcome) {
		switch (outcome) {
			case RESUMED -> {
				this.phase = StreamPhase.STREAMING;
				this.relay.resumed();
			}
			case NO_MORE_EVENTS -> finish(StreamEnd.COMPLETED, null);
			case GAVE_UP -> finish(StreamEnd.UPSTREAM_FAILED, resume().failure());
			case RETRYING -> {
			}
		}
	}

	private StreamResume resume() {
		return Objects.requireNonNull(this.resume);
	}

	// Timer

	private void onTick() {
		boolean forwarding = this.phase == StreamPhase.STREAMING || this.phase == StreamPhase.RESUMING;
		switch (this.timer.fired(now(), this.body.isStarted(), this.body.held() > 0, forwarding && this.body.isEmpty(),
				this.phase == StreamPhase.ENDING)) {
			case DROP_SLOW_CLIENT -> dropSlowClient();
			case ABANDON_BODY -> {
				this.report.bodyNeverSubscribed();
				close(StreamEnd.CLIENT_LEFT);
			}
			case HEARTBEAT -> {
				this.body.add(ResponseBody.HEARTBEAT);
				this.report.heartbeat();
			}
			case NOTHING -> {
			}
		}
	}

	private long now() {
		return this.scheduler.now(TimeUnit.NANOSECONDS);
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
		this.phase = StreamPhase.ENDING;
		if (error != null) {
			this.report.failed(error);
			SseEvent event = this.options.errorEvent().apply(error);
			if (event != null) {
				this.body.add(SseWriter.encode(event));
				this.report.errorEventSent();
			}
		}
		if (!this.deadlines.isFull()) {
			// What is left must be written within the slow-client timeout.
			this.deadlines.full(now());
			this.timer.setBy(this.deadlines.slowClientDeadline(), now());
		}
	}

	private void refuse(UpstreamRefusal refusal, @Nullable Throwable error) {
		this.report.refusedByUpstream(refusal.status().value(), (error != null) ? error : refusal.detail());
		close(null);
		this.response.refuse(refusal);
	}

	private void shutDown(Duration retry) {
		if (this.phase == StreamPhase.CONNECTING) {
			this.report.refused(HttpStatus.SERVICE_UNAVAILABLE.value());
			close(null);
			this.response.refuse(UpstreamRefusal.shuttingDown());
		}
		else if (this.phase == StreamPhase.STREAMING || this.phase == StreamPhase.RESUMING) {
			finish(StreamEnd.SHUTDOWN, null);
			if (!retry.isZero()) {
				this.body.add(SseWriter.encode(SseEvent.builder().retry(retry).build()));
			}
		}
	}

	private void dropSlowClient() {
		this.report.slowClientDropped(this.deadlines.fullFor(now()), this.body.held());
		close(StreamEnd.SLOW_CLIENT_DROPPED);
		this.body.drop(this.report.client());
	}

	/**
	 * A pass failed with an unexpected error: end the stream with it.
	 * @param error the error
	 */
	void failInternally(Throwable error) {
		this.report.failedInternally(error);
		if (this.phase == StreamPhase.CONNECTING) {
			close(null);
			this.response.refuse(new UpstreamRefusal(HttpStatus.INTERNAL_SERVER_ERROR, null, "Proxy error"));
		}
		else if (this.phase != StreamPhase.DONE) {
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
		if (this.phase == StreamPhase.DONE) {
			return;
		}
		this.phase = StreamPhase.DONE;
		this.upstream.cancel();
		cancelResume();
		this.timer.cancel();
		this.body.clear();
		this.relay.release();
		this.streams.ended(this.stream, this.report.statistics());
		this.report.closed(this.deadlines.isCommitted() ? how : null);
	}

	private void cancelResume() {
		if (this.resume != null) {
			this.resume.cancel();
		}
	}

}
