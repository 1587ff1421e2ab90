package io.httpsentinel.sse.proxy;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.WrappedByteBuf;
import io.netty.util.IllegalReferenceCountException;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;

/**
 * Buffers handed to the downstream response that report when they are released. Every
 * server writer releases a buffer once it is done with it (Reactor Netty once the bytes
 * are written to the socket), so the release tells a stream how many of its bytes are
 * still waiting for a slow client, whatever the server. The bytes are wrapped, not
 * copied.
 */
final class DownstreamBuffers {

	private static final int MAX_PIECES = 4;

	private static final NettyDataBufferFactory FACTORY = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);

	private DownstreamBuffers() {
	}

	/**
	 * A new empty buffer to gather slices of the upstream's buffers in, not tracked
	 * itself ({@link #track} it).
	 * @param alloc the allocator of the upstream's buffers
	 * @return the buffer
	 */
	static CompositeByteBuf newComposite(ByteBufAllocator alloc) {
		// Made directly, as the tracked buffers are: no leak-aware wrapper per chunk.
		// Slices of the upstream's (direct) buffers stay direct, so they are written with
		// a gathering write and no copy. Usually one or two pieces; more are merged into
		// one (a copy), which only an event spread over many reads needs.
		return new CompositeByteBuf(alloc, true, MAX_PIECES);
	}

	/**
	 * Wrap a buffer for the downstream.
	 * @param bytes the bytes (typically one slice of an upstream buffer, or several in a
	 * buffer from {@link #newComposite}), tracked by a thin wrapper; owned by the
	 * returned buffer
	 * @param listener told the byte count once the buffer is released
	 * @return the buffer
	 */
	static DataBuffer track(ByteBuf bytes, ReleaseListener listener) {
		return FACTORY.wrap(new TrackedSlice(bytes, listener, bytes.readableBytes()));
	}

	/**
	 * Gather buffers in one for the downstream, without copying: they are its components,
	 * released with it.
	 * @param first the first buffer, owned by the returned buffer
	 * @param rest the buffers after it, all taken and owned by the returned buffer
	 * @param listener told the byte count of them all once the buffer is released
	 * @return the buffer
	 */
	static DataBuffer track(ByteBuf first, Queue<ByteBuf> rest, ReleaseListener listener) {
		CompositeByteBuf all = new TrackedComposite(first.alloc(), listener);
		all.addComponent(true, first);
		ByteBuf next;
		while ((next = rest.poll()) != null) {
			all.addComponent(true, next);
		}
		return FACTORY.wrap(all);
	}

	/**
	 * Told when a buffer was released.
	 */
	@FunctionalInterface
	interface ReleaseListener {

		void released(int bytes);

	}

	/**
	 * One buffer (a slice of an upstream buffer, typically) with a reference count of its
	 * own, whatever the count of the bytes it wraps: the upstream's slices share the
	 * count of the whole read they were cut from, so only a count of its own says when
	 * the writer is done with these bytes. Its last release releases the wrapped buffer
	 * once and tells the listener. One small object per forwarded chunk, where a
	 * composite of one component costs four (the composite, its component array, the
	 * component and its count) and an indirection per write.
	 * <p>
	 * Retained slices and duplicates hold a reference to this buffer, so its bytes count
	 * as held until they are released too. Plain (not retained) slices and duplicates are
	 * the wrapped buffer's, as they are of any wrapper: whoever retains them keeps the
	 * bytes alive, but not this buffer's count.
	 */
	private static final class TrackedSlice extends WrappedByteBuf {

		private static final AtomicIntegerFieldUpdater<TrackedSlice> REFERENCES = AtomicIntegerFieldUpdater
			.newUpdater(TrackedSlice.class, "references");

		private final ReleaseListener listener;

		private final int size;

		private volatile int references = 1;

		TrackedSlice(ByteBuf bytes, ReleaseListener listener, int size) {
			super(bytes);
			this.listener = listener;
			this.size = size;
		}

		@Override
		public ByteBuf retain() {
			return retain(1);
		}

		@Override
		public ByteBuf retain(int increment) {
			for (;;) {
				int current = this.references;
				if (current <= 0 || current + increment < current) {
					throw new IllegalReferenceCountException(current, increment);
				}
				if (REFERENCES.compareAndSet(this, current, current + increment)) {
					return this;
				}
			}
		}

		@Override
		public boolean release() {
			return release(1);
		}

		@Override
		public boolean release(int decrement) {
			for (;;) {
				int current = this.references;
				if (current < decrement || decrement <= 0) {
					throw new IllegalReferenceCountException(current, -decrement);
				}
				if (REFERENCES.compareAndSet(this, current, current - decrement)) {
					if (current != decrement) {
						return false;
					}
					this.buf.release();
					this.listener.released(this.size);
					return true;
				}
			}
		}

		@Override
		public ByteBuf touch() {
			return this;
		}

		@Override
		public ByteBuf touch(Object hint) {
			return this;
		}

		@Override
		public ByteBuf retainedSlice() {
			return retainedSlice(readerIndex(), readableBytes());
		}

		@Override
		public ByteBuf retainedSlice(int index, int length) {
			return dependent(this.buf.retainedSlice(index, length));
		}

		@Override
		public ByteBuf readRetainedSlice(int length) {
			ByteBuf slice = retainedSlice(readerIndex(), length);
			skipBytes(length);
			return slice;
		}

		@Override
		public ByteBuf retainedDuplicate() {
			return dependent(this.buf.retainedDuplicate());
		}

		/** A buffer derived from this one that holds a reference to it until released. */
		private ByteBuf dependent(ByteBuf derived) {
			retain();
			return new TrackedSlice(derived, (bytes) -> release(), 0);
		}

	}

	/**
	 * The buffers that one pass hands over together, as one: its release is seen.
	 */
	private static final class TrackedComposite extends CompositeByteBuf {

		private final ReleaseListener listener;

		TrackedComposite(ByteBufAllocator alloc, ReleaseListener listener) {
			// As many components as were queued: one write, no copy.
			super(alloc, true, Integer.MAX_VALUE);
			this.listener = listener;
		}

		@Override
		protected void deallocate() {
			// Writing moves the reader index, never the writer index: all bytes added.
			int size = writerIndex();
			super.deallocate();
			this.listener.released(size);
		}

	}

}
