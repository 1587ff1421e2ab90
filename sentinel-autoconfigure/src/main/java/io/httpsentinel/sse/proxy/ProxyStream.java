package io.httpsentinel.sse.proxy;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ResponseEntity;

import io.httpsentinel.resilience.DeadlineTimer;

/**
 * One forwarded stream, as the proxy and the stream's own parts see it: every signal
 * (upstream heads, chunks and ends, downstream demand and cancellation, buffer releases,
 * timers, shutdown) only records what happened and runs the drain loop, in which a
 * {@link StreamStateMachine} does one pass at a time, on one thread at a time: no locks,
 * and no operator with a prefetch of its own between the upstream and the downstream.
 * <p>
 * What a stream holds is bounded by {@code sse.buffer-size} plus the few upstream chunks
 * asked for at once ({@link UpstreamConnection#BATCH}) and a partial event of at most
 * {@code sse.max-event-size}: more chunks are asked for only while the bytes not yet
 * written to the downstream connection are under the buffer size.
 */
final class ProxyStream {

	private static final AtomicIntegerFieldUpdater<ProxyStream> WIP = AtomicIntegerFieldUpdater
		.newUpdater(ProxyStream.class, "wip");

	private final StreamStateMachine machine;

	private final MonoSink<ResponseEntity<Flux<DataBuffer>>> head;

	private volatile int wip;

	private volatile boolean shutdownRequested;

	/** Written before {@link #shutdownRequested}. */
	private Duration shutdownRetry = Duration.ZERO;

	private volatile boolean tickDue;

	private volatile boolean reconnectDue;

	private volatile boolean emitDue;

	/**
	 * A stream admitted by the proxy.
	 * @param options what the stream needs to know
	 * @param report told what happens to the stream
	 * @param streams told when the stream ends
	 * @param scheduler where resume delays run and the time is read
	 * @param timers where the stream's timer runs
	 * @param clock the wall clock, to turn a host pause's end into a {@code Retry-After}
	 * @param head completed with the response once the upstream answered
	 * @param lastEventId the {@code Last-Event-ID} to send upstream, {@code ""} for none
	 */
	ProxyStream(StreamOptions options, StreamReport report, OpenStreams streams, Scheduler scheduler,
			DeadlineTimer timers, Clock clock, MonoSink<ResponseEntity<Flux<DataBuffer>>> head, String lastEventId) {
		this.machine = new StreamStateMachine(this, options, report, streams, scheduler, timers, clock, head,
				lastEventId);
		this.head = head;
	}

	/**
	 * Connect the upstream. Called once the proxy counts the stream as open.
	 */
	void start() {
		// Attached here, not in the constructor: a response cancelled already calls back
		// at once, and the pass that runs then ends the stream, which must be counted as
		// open by then (or it would stay in the open set, and shutdown would wait for
		// it).
		this.machine.body().attachTo(this.head);
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
	 * The stream's timer fired.
	 */
	void tickDue() {
		this.tickDue = true;
		drain();
	}

	/**
	 * The time to reconnect a failed upstream came.
	 */
	void reconnectDue() {
		this.reconnectDue = true;
		drain();
	}

	/**
	 * The time to hand what is queued to the downstream came: the event loop that
	 * received the upstream's bytes has read all it had.
	 */
	void emitDue() {
		this.emitDue = true;
		drain();
	}

	/**
	 * Run drain passes until no signal is left; returns at once if another thread runs
	 * them, which then runs one more.
	 */
	void drain() {
		if (WIP.getAndIncrement(this) != 0) {
			return;
		}
		int missed = 1;
		for (;;) {
			try {
				this.machine.pass(takeShutdown(), takeTick(), takeReconnect(), takeEmit());
			}
			catch (RuntimeException | Error ex) {
				this.machine.failInternally(ex);
			}
			missed = WIP.addAndGet(this, -missed);
			if (missed == 0) {
				return;
			}
		}
	}

	private @Nullable Duration takeShutdown() {
		if (!this.shutdownRequested) {
			return null;
		}
		this.shutdownRequested = false;
		return this.shutdownRetry;
	}

	private boolean takeTick() {
		if (!this.tickDue) {
			return false;
		}
		this.tickDue = false;
		return true;
	}

	private boolean takeEmit() {
		if (!this.emitDue) {
			return false;
		}
		this.emitDue = false;
		return true;
	}

	private boolean takeReconnect() {
		if (!this.reconnectDue) {
			return false;
		}
		this.reconnectDue = false;
		return true;
	}

}
