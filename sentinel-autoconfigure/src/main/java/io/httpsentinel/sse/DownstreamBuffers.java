package io.httpsentinel.sse;

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

}
