package io.httpsentinel.sse;

import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBuffer;

/**
 * The {@link EventRelay} without hooks: each block goes out exactly as received, as
 * slices of the upstream's own buffers (no decoding, re-encoding or copying: a chunk's
 * complete blocks go out in one write of the buffers they arrived in). The parser only
 * records where blocks are ({@link BlockRecorder}); ids are kept, as bytes, only when
 * replays are filtered by id.
 */
final class PassThroughRelay extends EventRelay {

	private final BlockRecorder blocks;

	private final EventInterpreter stream;

	// The chunks the bytes to forward are cut from.
	private final HeldChunks held = new HeldChunks();

	private final OutputBuffers output;

	// The run of forwarded blocks not yet cut out, and what was cut: one slice
	// (typically,
	// a chunk's blocks are one run in one chunk), or the slices gathered in a buffer of
	// the output's once there are several.
	private long runStart = -1;

	private long runEnd;

	private @Nullable ByteBuf out;

	private @Nullable CompositeByteBuf gathered;

	PassThroughRelay(SseLimits limits, ReplayFilter replays, OutputBuffers output) {
		super(replays);
		this.blocks = new BlockRecorder(replays.remembersIds());
		this.stream = new EventInterpreter(limits, this.blocks);
		this.output = output;
		seedStream();
	}

	@Override
	public @Nullable ByteBuf relay(DataBuffer chunk) {
		this.events = 0;
		HeldChunks chunks = this.held;
		ByteBuf bytes = byteBuf(chunk);
		if (bytes.readableBytes() == 0) {
			bytes.release();
			return null;
		}
		BlockRecorder blocks = this.blocks;
		blocks.reset();
		try {
			this.stream.read(bytes, 0, 0);
		}
		finally {
			// Held from now on (also when the parser failed: released with the
			// connection); read before, since it may be copied and released.
			chunks.add(bytes);
		}
		byte[] ids = blocks.idBytes();
		for (int i = 0, count = blocks.count(); i < count; i++) {
			boolean hasData = blocks.hasData(i);
			if (this.replays.forward(blocks.hasId(i), ids, blocks.idOffset(i), blocks.idLength(i), hasData)) {
				if (hasData) {
					this.events++;
				}
				cut(blocks.start(i), blocks.end(i), chunks);
			}
		}
		cutRun(chunks);
		chunks.dropBefore(this.stream.pendingStart());
		ByteBuf result = this.out;
		this.out = null;
		this.gathered = null;
		return result;
	}

	/**
	 * The chunk as a Netty buffer owning its memory: Reactor Netty's own buffer, else a
	 * copy (another client connector).
	 */
	private static ByteBuf byteBuf(DataBuffer chunk) {
		if (chunk instanceof NettyDataBuffer netty) {
			return netty.getNativeBuffer();
		}
		try {
			ByteBuf copy = Unpooled.buffer(chunk.readableByteCount());
			try (DataBuffer.ByteBufferIterator buffers = chunk.readableByteBuffers()) {
				while (buffers.hasNext()) {
					copy.writeBytes(buffers.next());
				}
			}
			return copy;
		}
		finally {
			DataBufferUtils.release(chunk);
		}
	}

	// Consecutive blocks are cut out together: typically a chunk's blocks are one slice.
	private void cut(long start, long end, HeldChunks chunks) {
		if (this.runStart >= 0 && start != this.runEnd) {
			cutRun(chunks);
		}
		if (this.runStart < 0) {
			this.runStart = start;
		}
		this.runEnd = end;
	}

	private void cutRun(HeldChunks chunks) {
		if (this.runStart < 0) {
			return;
		}
		long start = this.runStart;
		this.runStart = -1;
		ByteBuf single = this.out;
		if (single == null) {
			single = chunks.slice(start, this.runEnd);
			if (single != null) {
				this.out = single;
				return;
			}
		}
		CompositeByteBuf buffer = this.gathered;
		if (buffer == null) {
			buffer = this.output.newBuffer(chunks.alloc());
			if (single != null) {
				buffer.addComponent(true, single);
			}
			this.gathered = buffer;
			this.out = buffer;
		}
		chunks.appendTo(start, this.runEnd, buffer);
	}

	@Override
	public void connectionEnded() {
		release();
		this.stream.end();
	}

	@Override
	public void release() {
		this.runStart = -1;
		if (this.out != null) {
			this.out.release();
			this.out = null;
			this.gathered = null;
		}
		this.held.clear();
	}

	@Override
	public @Nullable Duration reconnectionTime() {
		return this.stream.reconnectionTime();
	}

	@Override
	String streamLastEventId() {
		return this.stream.lastEventId();
	}

	@Override
	void feedAndEnd(byte[] block) {
		this.stream.read(block, 0, block.length);
		this.stream.end();
	}

}
