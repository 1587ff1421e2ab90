package io.httpsentinel.chaos;

import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseParser;

/**
 * What one client of a stream of {@link DroppingEventUpstream} got: each event checked
 * against the next one expected (its id, and its data to the byte), counting duplicates,
 * losses, corrupted events and events of another type (an error event). Fed by one
 * stream's signals, which come one at a time; read once it {@link #ended}.
 */
final class StreamCheck {

	private final int stream;

	private final int events;

	private final CountDownLatch ends;

	private final SseParser parser = new SseParser();

	private long next = 1;

	private long duplicates;

	private long losses;

	private long corrupted;

	private long others;

	private @Nullable String firstProblem;

	private volatile boolean ended;

	private volatile @Nullable Throwable error;

	/**
	 * A check.
	 * @param stream the stream number
	 * @param events the events the stream has
	 * @param ends counted down when the stream ends
	 */
	StreamCheck(int stream, int events, CountDownLatch ends) {
		this.stream = stream;
		this.events = events;
		this.ends = ends;
	}

	/**
	 * Check the events in raw bytes of the stream (a downstream client of the proxy).
	 * @param bytes the next bytes
	 */
	void feed(byte[] bytes) {
		List<SseEvent> parsed = this.parser.feed(bytes, 0, bytes.length);
		for (SseEvent event : parsed) {
			accept(event);
		}
	}

	/**
	 * Check the next event (an SSE reader).
	 * @param event the event
	 */
	void accept(SseEvent event) {
		String id = event.id();
		if (!SseEvent.DEFAULT_TYPE.equals(event.type()) || id == null) {
			this.others++;
			problem("unexpected event " + event);
			return;
		}
		long number = Long.parseLong(id);
		if (number < this.next) {
			this.duplicates++;
			problem("duplicate " + number + ", expected " + this.next);
			return;
		}
		if (number > this.next) {
			this.losses += number - this.next;
			problem("lost " + this.next + " to " + (number - 1));
		}
		if (!DroppingEventUpstream.data(this.stream, number).equals(event.data())) {
			this.corrupted++;
			problem("event " + number + " has data " + event.data());
		}
		this.next = number + 1;
	}

	private void problem(String problem) {
		if (this.firstProblem == null) {
			this.firstProblem = "stream " + this.stream + ": " + problem;
		}
	}

	/**
	 * The stream ended.
	 * @param error its error, {@code null} if it completed
	 */
	void end(@Nullable Throwable error) {
		if (this.ended) {
			return;
		}
		this.error = error;
		this.ended = true;
		this.ends.countDown();
	}

	boolean ended() {
		return this.ended;
	}

	/** Whether the stream completed with every event, once, in order, intact. */
	boolean complete() {
		return this.ended && this.error == null && this.next == this.events + 1 && this.duplicates == 0
				&& this.losses == 0 && this.corrupted == 0 && this.others == 0;
	}

	long delivered() {
		return this.next - 1 - this.losses;
	}

	long duplicates() {
		return this.duplicates;
	}

	/** Events lost, the missing ones at the end of the stream included. */
	long losses() {
		return this.losses + (this.events + 1 - this.next);
	}

	long corrupted() {
		return this.corrupted;
	}

	long others() {
		return this.others;
	}

	/** What went wrong first, for the assertion message. */
	String describe() {
		return "stream " + this.stream + " ended " + this.ended + " with " + this.error + " after event "
				+ (this.next - 1) + "; first problem: " + this.firstProblem;
	}

}
