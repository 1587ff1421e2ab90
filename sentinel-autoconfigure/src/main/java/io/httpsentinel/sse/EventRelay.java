package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.buffer.DataBuffer;

import io.httpsentinel.Internal;

/**
 * Turns the chunks of an upstream event stream into the bytes to forward downstream, one
 * chunk at a time, in one of two ways: {@link PassThroughRelay} forwards each block
 * exactly as received, as slices of the upstream's own buffers; {@link HookedRelay} runs
 * each event through the hooks and writes it with {@link SseWriter}. Blocks without data
 * (an {@code id} or {@code retry} alone, comments) are forwarded as they are, so that the
 * downstream's last event id and reconnection time stay in step. Both skip the events a
 * resumed upstream replays with the same {@link ReplayFilter}. Not thread-safe.
 */
@Internal
public abstract sealed class EventRelay permits PassThroughRelay, HookedRelay {

	final ReplayFilter replays;

	// Events with data in the bytes the last relay() returned.
	int events;

	EventRelay(ReplayFilter replays) {
		this.replays = replays;
	}

	/**
	 * Create a relay for one downstream stream.
	 * @param limits limits of the upstream's lines and events
	 * @param hooks the hooks ({@link EventHooks#NONE} for pass-through of the bytes)
	 * @param rememberIds whether to remember forwarded ids for skipping replays
	 * @param lastEventId the {@code Last-Event-ID} the first upstream connection is sent
	 * with, {@code ""} for none
	 * @param output makes the buffers that the pass-through's slices are gathered in
	 * @return the relay
	 */
	public static EventRelay create(SseLimits limits, EventHooks hooks, boolean rememberIds, String lastEventId,
			OutputBuffers output) {
		ReplayFilter replays = new ReplayFilter(rememberIds, lastEventId);
		// Without hooks nothing reads the data: only the bytes are forwarded.
		return hooks.isEmpty() ? new PassThroughRelay(limits, replays, output)
				: new HookedRelay(limits, hooks, replays);
	}

	/**
	 * Create a relay for one downstream stream, gathering the pass-through's slices in
	 * composite direct buffers.
	 * @param limits limits of the upstream's lines and events
	 * @param hooks the hooks ({@link EventHooks#NONE} for pass-through of the bytes)
	 * @param rememberIds whether to remember forwarded ids for skipping replays
	 * @param lastEventId the {@code Last-Event-ID} the first upstream connection is sent
	 * with, {@code ""} for none
	 * @return the relay
	 */
	static EventRelay create(SseLimits limits, EventHooks hooks, boolean rememberIds, String lastEventId) {
		return create(limits, hooks, rememberIds, lastEventId,
				(alloc) -> alloc.compositeDirectBuffer(Integer.MAX_VALUE));
	}

	/**
	 * Relay one chunk.
	 * @param chunk the chunk, owned by the relay from now on (released or held)
	 * @return the bytes to forward for the blocks this chunk completed, owned by the
	 * caller, or {@code null} if there are none
	 * @throws SseLimitExceededException when the upstream exceeds the limits
	 */
	public abstract @Nullable ByteBuf relay(DataBuffer chunk);

	/**
	 * Events with data in the bytes the last {@link #relay} returned.
	 * @return the number of events
	 */
	public int events() {
		return this.events;
	}

	/**
	 * The hook failure of the last {@link #relay}, if any, cleared.
	 * @return the failure, or {@code null}
	 */
	public @Nullable RuntimeException takeFailure() {
		return null;
	}

	/**
	 * The upstream connection ended: a partial block is dropped (the spec discards it,
	 * and a resumed upstream sends it again).
	 */
	public abstract void connectionEnded();

	/**
	 * Release the upstream's buffers held for a partial block: the stream is over, or its
	 * upstream connection.
	 */
	public void release() {
	}

	/**
	 * A new upstream connection resumes the stream: from now on, blocks whose id was
	 * already forwarded are skipped, with the blocks without an id that follow them.
	 */
	public void resumed() {
		this.replays.resumed();
		seedStream();
	}

	/**
	 * Whether a reconnect can continue the stream without sending an event twice: no
	 * event without an id was forwarded after the last id.
	 * @return whether the stream can be resumed
	 */
	public boolean resumable() {
		return this.replays.resumable();
	}

	/**
	 * Id of the last block forwarded that had one (or the initial {@code Last-Event-ID}):
	 * what the downstream client would send as {@code Last-Event-ID} now.
	 * @return the id, {@code ""} for none
	 */
	public String lastEventId() {
		String id = this.replays.lastEventId();
		return (id != null) ? id : streamLastEventId();
	}

	/**
	 * Reconnection time the upstream asked for with {@code retry:}.
	 * @return the time, or {@code null}
	 */
	public abstract @Nullable Duration reconnectionTime();

	/**
	 * The last event id of the upstream stream as parsed.
	 * @return the id
	 */
	abstract String streamLastEventId();

	/**
	 * Feed one block to the parser of the upstream stream and end that stream, without
	 * forwarding anything.
	 * @param block the block's bytes
	 */
	abstract void feedAndEnd(byte[] block);

	/**
	 * Make the parser's last event id the relay's, so that a block without an id in a
	 * resumed stream is seen with the id it follows.
	 */
	final void seedStream() {
		String id = lastEventId();
		if (!streamLastEventId().equals(id)) {
			// The spec's way to set the last event id: an id field and a blank line.
			feedAndEnd(("id: " + id + "\n\n").getBytes(StandardCharsets.UTF_8));
		}
	}

	/**
	 * Makes the buffers a relay without hooks returns when the bytes of one chunk are
	 * several slices of the upstream's buffers: they are gathered in one, written with
	 * one gathering write (bytes that are one slice are returned as that slice).
	 */
	@FunctionalInterface
	public interface OutputBuffers {

		/**
		 * A new empty buffer.
		 * @param alloc the allocator of the upstream's buffers
		 * @return the buffer, without a limit on its components
		 */
		CompositeByteBuf newBuffer(ByteBufAllocator alloc);

	}

}
