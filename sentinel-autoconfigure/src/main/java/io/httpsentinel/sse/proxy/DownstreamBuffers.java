package io.httpsentinel.sse.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;

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
	 * @param bytes a buffer from {@link #newTracked}, or another, which is then tracked
	 * too; owned by the returned buffer
	 * @param listener told the byte count once the buffer is released (for a buffer from
	 * {@link #newTracked}, the one it was made with)
	 * @return the buffer
	 */
	static DataBuffer track(ByteBuf bytes, ReleaseListener listener) {
		if (bytes instanceof TrackedComposite) {
			return FACTORY.wrap(bytes);
		}
		return FACTORY.wrap(new TrackedComposite(bytes.alloc(), listener).addComponent(true, bytes));
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
