package io.httpsentinel.sse;

import java.util.ArrayDeque;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * The chunks of one upstream connection whose bytes may still be forwarded, addressed by
 * position in the stream: a relay cuts the bytes of complete blocks out of them as
 * retained slices (no copy: the downstream writes the upstream's own buffers) and drops
 * what it no longer needs. Owns the chunks it holds. Not thread-safe.
 * <p>
 * What it holds is the block in progress, at most {@code sse.max-event-size}; when that
 * arrives in many small reads, they are copied into one buffer ({@link #MAX_CHUNKS}) with
 * room for as much again, which takes the next small reads, so that a trickling upstream
 * can pin neither many buffers nor much CPU (each byte is copied a few times at most).
 */
final class HeldChunks {

	/** More chunks than this are merged into one. */
	static final int MAX_CHUNKS = 8;

	private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>(4);

	// Stream position of the first readable byte of the first chunk.
	private long start;

	// Stream position just after the last chunk.
	private long end;

	// The last chunk when it was merged from small reads: it has room for more, and the
	// next small reads are copied into it, so that merging stays linear in the bytes of
	// an event however small its reads.
	private @Nullable ByteBuf merged;

	/**
	 * Hold the next chunk of the stream. It may be copied into a chunk held already and
	 * released at once: read it before.
	 * @param chunk the chunk, not empty, owned from now on
	 */
	void add(ByteBuf chunk) {
		int size = chunk.readableBytes();
		if (this.chunks.isEmpty()) {
			this.start = this.end;
		}
		this.end += size;
		ByteBuf last = this.merged;
		if (last != null && last.writableBytes() >= size) {
			last.writeBytes(chunk);
			chunk.release();
			return;
		}
		// Bytes after it now: the merged chunk takes no more.
		this.merged = null;
		this.chunks.add(chunk);
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
				out.addComponent(true,
						piece(chunk, chunkStart, chunkEnd, Math.max(from, chunkStart), Math.min(to, chunkEnd)));
				if (chunkEnd >= to) {
					return;
				}
			}
			chunkStart = chunkEnd;
		}
		throw new IllegalStateException("Bytes " + from + " to " + to + " are not held");
	}

	/**
	 * The bytes between two positions as one retained slice (or the whole chunk,
	 * retained), when they lie in one chunk.
	 * @param from the position of the first byte, at least the start of what is held
	 * @param to the position after the last byte, at most the end of what is held
	 * @return the bytes, or {@code null} if they span chunks
	 */
	@Nullable ByteBuf slice(long from, long to) {
		long chunkStart = this.start;
		for (ByteBuf chunk : this.chunks) {
			long chunkEnd = chunkStart + chunk.readableBytes();
			if (chunkEnd > from) {
				return (to <= chunkEnd) ? piece(chunk, chunkStart, chunkEnd, from, to) : null;
			}
			chunkStart = chunkEnd;
		}
		throw new IllegalStateException("Bytes " + from + " to " + to + " are not held");
	}

	private static ByteBuf piece(ByteBuf chunk, long chunkStart, long chunkEnd, long sliceStart, long sliceEnd) {
		// A whole chunk goes as it is (dropped next, never written again): typically an
		// upstream writes one event per chunk.
		return (sliceStart == chunkStart && sliceEnd == chunkEnd) ? chunk.retain() : chunk
			.retainedSlice(chunk.readerIndex() + (int) (sliceStart - chunkStart), (int) (sliceEnd - sliceStart));
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
			release(this.chunks.pollFirst());
			chunkStart = chunkEnd;
			this.start = chunkEnd;
		}
		if (this.chunks.size() > MAX_CHUNKS) {
			merge();
		}
	}

	private void merge() {
		int size = (int) (this.end - this.start);
		// Room for as much again: the next merge comes after the bytes held doubled.
		ByteBuf into = this.chunks.peekFirst().alloc().buffer(Math.max(size * 2, 4096));
		ByteBuf chunk;
		while ((chunk = this.chunks.pollFirst()) != null) {
			into.writeBytes(chunk);
			release(chunk);
		}
		this.chunks.add(into);
		this.merged = into;
	}

	private void release(ByteBuf chunk) {
		if (chunk == this.merged) {
			this.merged = null;
		}
		chunk.release();
	}

	/**
	 * Release everything; the next chunk starts a new stream at position 0.
	 */
	void clear() {
		ByteBuf chunk;
		while ((chunk = this.chunks.pollFirst()) != null) {
			release(chunk);
		}
		this.start = 0;
		this.end = 0;
	}

}
