package io.httpsentinel.sse.proxy;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.buffer.WrappedByteBuf;
import io.netty.util.IllegalReferenceCountException;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;

/**
 * Buffers handed to the downstream response that report when they are released. Every
 * server writer releases a buffer once it is done with it (Reactor Netty once the bytes
 * are written to the socket), so the release tells a stream how many of its bytes are
 * still waiting for a slow client, whatever the server. The bytes are wrapped, not
 * copied.
 */
final class DownstreamBuffers {

	private static final NettyDataBufferFactory FACTORY = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);

	private DownstreamBuffers() {
	}

	/**
	 * Wrap bytes in a buffer.
	 * @param bytes the bytes, not modified afterwards (they may be shared read-only)
	 * @param listener told the byte count once the buffer is released
	 * @return the buffer
	 */
	static DataBuffer wrap(byte[] bytes, ReleaseListener listener) {
		return FACTORY.wrap(new TrackedByteBuf(bytes, listener));
	}

	/**
	 * A new empty buffer to gather slices of the upstream's buffers in.
	 * @param alloc the allocator of the upstream's buffers
	 * @param listener told the byte count once the buffer is released
	 * @return the buffer
	 */
	static CompositeByteBuf newTracked(ByteBufAllocator alloc, ReleaseListener listener) {
		return new TrackedComposite(alloc, listener);
	}

	/**
	 * Wrap a buffer for the downstream.
	 * @param bytes a buffer from {@link #newTracked}, or another (typically one slice of
	 * an upstream buffer), which is then tracked by a thin wrapper; owned by the returned
	 * buffer
	 * @param listener told the byte count once the buffer is released (for a buffer from
	 * {@link #newTracked}, the one it was made with)
	 * @return the buffer
	 */
	static DataBuffer track(ByteBuf bytes, ReleaseListener listener) {
		if (bytes instanceof TrackedComposite) {
			return FACTORY.wrap(bytes);
		}
		return FACTORY.wrap(new TrackedSlice(bytes, listener, bytes.readableBytes()));
	}

	/**
	 * Gather buffers of this class in one, without copying: the buffers are its
	 * components, each released (and so reporting its release) with it.
	 * @param first the first buffer
	 * @param rest the buffers after it, all taken
	 * @return the buffer holding them all, owning them
	 */
	static DataBuffer gather(DataBuffer first, Queue<DataBuffer> rest) {
		ByteBuf firstBytes = ((NettyDataBuffer) first).getNativeBuffer();
		// Made directly, as the tracked buffers are: its components are the ones a leak
		// would show.
		CompositeByteBuf all = new CompositeByteBuf(firstBytes.alloc(), true, Integer.MAX_VALUE);
		all.addComponent(true, firstBytes);
		DataBuffer next;
		while ((next = rest.poll()) != null) {
			all.addComponent(true, ((NettyDataBuffer) next).getNativeBuffer());
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

	private static final class TrackedByteBuf extends UnpooledHeapByteBuf {

		private final ReleaseListener listener;

		private final int size;

		TrackedByteBuf(byte[] bytes, ReleaseListener listener) {
			super(UnpooledByteBufAllocator.DEFAULT, bytes, bytes.length);
			this.listener = listener;
			this.size = bytes.length;
		}

		@Override
		protected void deallocate() {
			super.deallocate();
			this.listener.released(this.size);
		}

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
	 * Slices of the upstream's (direct) buffers stay direct, so they are written with a
	 * gathering write and no copy; the release is seen.
	 */
	private static final class TrackedComposite extends CompositeByteBuf {

		private static final int MAX_PIECES = 4;

		private final ReleaseListener listener;

		TrackedComposite(ByteBufAllocator alloc, ReleaseListener listener) {
			// Usually one or two pieces; more are merged into one (a copy), which only
			// an event spread over many reads needs.
			super(alloc, true, MAX_PIECES);
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
