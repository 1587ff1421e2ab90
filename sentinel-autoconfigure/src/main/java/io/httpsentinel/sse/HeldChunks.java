package io.httpsentinel.sse;

import java.util.ArrayDeque;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * The chunks of one upstream connection whose bytes may still be forwarded, addressed by
 * position in the stream: a relay cuts the bytes of complete blocks out of them as
 * retained slices (no copy: the downstream writes the upstream's own buffers) and drops
 * what it no longer needs. Owns the chunks it holds. Not thread-safe.
 * <p>
 * What it holds is the block in progress, at most {@code sse.max-event-size}; when that
 * arrives in many small reads, they are copied into one buffer ({@link #MAX_CHUNKS}) so
 * that a trickling upstream cannot pin many buffers.
 */
final class HeldChunks {

	/** More chunks than this are merged into one. */
	static final int MAX_CHUNKS = 8;

	private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>(4);

	// Stream position of the first readable byte of the first chunk.
	private long start;

	// Stream position just after the last chunk.
	private long end;

	/**
	 * Hold the next chunk of the stream.
	 * @param chunk the chunk, not empty, owned from now on
	 */
	void add(ByteBuf chunk) {
		int size = chunk.readableBytes();
		if (this.chunks.isEmpty()) {
			this.start = this.end;
		}
		this.chunks.add(chunk);
		this.end += size;
	}

	/**
	 * Add the bytes between two positions to a buffer, as retained slices of the chunks.
	 * @param from the position of the first byte, at least the start of what is held
	 * @param to the position after the last byte, at most the end of what is held
	 * @param out the buffer to add to
	 */
	void appendTo(long from, long to, CompositeByteBuf out) {
		long chunkStart = this.start;
		for (ByteBuf chunk : this.chunks) {
			long chunkEnd = chunkStart + chunk.readableBytes();
			if (chunkEnd > from) {
				long sliceStart = Math.max(from, chunkStart);
				long sliceEnd = Math.min(to, chunkEnd);
				// A whole chunk goes in as it is (it is dropped next, never changed
				// again):
				// typically an upstream writes one event per chunk.
				out.addComponent(true,
						(sliceStart == chunkStart && sliceEnd == chunkEnd) ? chunk.retain() : chunk.retainedSlice(
								chunk.readerIndex() + (int) (sliceStart - chunkStart), (int) (sliceEnd - sliceStart)));
				if (chunkEnd >= to) {
					return;
				}
			}
			chunkStart = chunkEnd;
		}
		throw new IllegalStateException("Bytes " + from + " to " + to + " are not held");
	}

	/**
	 * An allocator of the chunks, for the buffers cut out of them.
	 * @return the allocator
	 */
	ByteBufAllocator alloc() {
		ByteBuf first = this.chunks.peekFirst();
		return (first != null) ? first.alloc() : ByteBufAllocator.DEFAULT;
	}

	/**
	 * Release what lies before a position: it will not be forwarded. Merge the rest into
	 * one buffer when it is spread over too many chunks.
	 * @param position the position of the first byte still needed
	 */
	void dropBefore(long position) {
		long chunkStart = this.start;
		ByteBuf first;
		while ((first = this.chunks.peekFirst()) != null) {
			long chunkEnd = chunkStart + first.readableBytes();
			if (chunkEnd > position) {
				first.skipBytes((int) (position - chunkStart));
				this.start = position;
				break;
			}
			this.chunks.pollFirst().release();
			chunkStart = chunkEnd;
			this.start = chunkEnd;
		}
		if (this.chunks.size() > MAX_CHUNKS) {
			merge();
		}
	}

	private void merge() {
		ByteBuf merged = this.chunks.peekFirst().alloc().buffer((int) (this.end - this.start));
		ByteBuf chunk;
		while ((chunk = this.chunks.pollFirst()) != null) {
			merged.writeBytes(chunk);
			chunk.release();
		}
		this.chunks.add(merged);
	}

	/**
	 * Number of chunks held.
	 * @return the count
	 */
	int size() {
		return this.chunks.size();
	}

	/**
	 * Release everything; the next chunk starts a new stream at position 0.
	 */
	void clear() {
		ByteBuf chunk;
		while ((chunk = this.chunks.pollFirst()) != null) {
			chunk.release();
		}
		this.start = 0;
		this.end = 0;
	}

}
