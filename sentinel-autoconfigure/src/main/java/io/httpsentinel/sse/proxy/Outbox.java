package io.httpsentinel.sse.proxy;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * The bytes of a forwarded stream on their way to its downstream client: buffers not yet
 * handed to the server's writer, and buffers handed over that the writer has not released
 * yet (not yet written to the connection). Their sum is what the stream holds for a slow
 * client. Owned by the stream's drain loop, except for releases, which come from the
 * writer's threads and wake the stream up while it waits for room.
 */
final class Outbox implements DownstreamBuffers.ReleaseListener {

	private static final AtomicLongFieldUpdater<Outbox> RELEASED = AtomicLongFieldUpdater.newUpdater(Outbox.class,
			"released");

	// Small at first: an idle stream holds one buffer at a time, for as long as it is
	// open; a burst grows it.
	private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>(3);

	private volatile long released;

	private final Runnable wakeUp;

	private long queuedBytes;

	private long handedOverBytes;

	private volatile boolean awaitingRoom;

	Outbox(Runnable wakeUp) {
		this.wakeUp = wakeUp;
	}

	/**
	 * Queue bytes for the downstream.
	 * @param bytes the bytes, not modified afterwards
	 */
	void add(byte[] bytes) {
		this.queue.add(Unpooled.wrappedBuffer(bytes));
		this.queuedBytes += bytes.length;
	}

	/**
	 * A new empty buffer to gather bytes to queue in.
	 * @param alloc the allocator of the bytes it will hold
	 * @return the buffer
	 */
	CompositeByteBuf newBuffer(ByteBufAllocator alloc) {
		return DownstreamBuffers.newComposite(alloc);
	}

	/**
	 * Queue bytes for the downstream.
	 * @param bytes the bytes: one buffer, or several gathered in a buffer from
	 * {@link #newBuffer}; owned by the outbox from now on
	 */
	void add(ByteBuf bytes) {
		int size = bytes.readableBytes();
		this.queue.add(bytes);
		this.queuedBytes += size;
	}

	boolean isEmpty() {
		return this.queue.isEmpty();
	}

	/**
	 * Take the next buffer to hand to the downstream: everything queued, in one buffer
	 * (the server writes and flushes each buffer it is handed on its own, so the events
	 * of one upstream read go out in one write rather than one each).
	 * @return the buffer, or {@code null} if none is queued
	 */
	@Nullable DataBuffer next() {
		ByteBuf next = this.queue.poll();
		if (next == null) {
			return null;
		}
		// Tracked from here on: what is handed over counts as held until released.
		int size = next.readableBytes();
		DataBuffer handedOver;
		if (this.queue.isEmpty()) {
			handedOver = DownstreamBuffers.track(next, this);
		}
		else {
			for (ByteBuf rest : this.queue) {
				size += rest.readableBytes();
			}
			handedOver = DownstreamBuffers.track(next, this.queue, this);
		}
		this.queuedBytes -= size;
		this.handedOverBytes += size;
		return handedOver;
	}

	/**
	 * Bytes held: queued, or handed over and not yet released.
	 * @return the byte count
	 */
	long held() {
		return this.queuedBytes + this.handedOverBytes - this.released;
	}

	/**
	 * Whether the next release should wake the stream up (it waits for room). Set it
	 * before checking {@link #held()} again, so that no release goes unnoticed.
	 * @param awaitingRoom whether to wake the stream up
	 */
	void awaitRoom(boolean awaitingRoom) {
		this.awaitingRoom = awaitingRoom;
	}

	@Override
	public void released(int bytes) {
		RELEASED.addAndGet(this, bytes);
		if (this.awaitingRoom) {
			this.wakeUp.run();
		}
	}

	/**
	 * Release what is queued: the stream is over.
	 */
	void clear() {
		this.awaitingRoom = false;
		ByteBuf bytes;
		while ((bytes = this.queue.poll()) != null) {
			bytes.release();
		}
		this.queuedBytes = 0;
	}

}
