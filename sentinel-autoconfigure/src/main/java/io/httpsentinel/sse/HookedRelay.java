package io.httpsentinel.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * The {@link EventRelay} with hooks: each event of a {@link SseParser#forPassThrough
 * pass-through parser} goes through the hooks and out as written by {@link SseWriter} (or
 * as received when a hook left it as it was); blocks without data go out as received. A
 * chunk's events go out in one buffer.
 */
final class HookedRelay extends EventRelay {

	private final SseParser parser;

	private final EventHooks hooks;

	private @Nullable RuntimeException failure;

	// The encoded events of one chunk.
	private final List<byte[]> pieces = new ArrayList<>(4);

	private int total;

	HookedRelay(SseLimits limits, EventHooks hooks, ReplayFilter replays) {
		super(replays);
		this.parser = SseParser.forPassThrough(limits);
		this.hooks = hooks;
		seedStream();
	}

	@Override
	public @Nullable ByteBuf relay(DataBuffer chunk) {
		this.events = 0;
		List<SseEvent> blocks;
		try {
			blocks = this.parser.feed(chunk);
		}
		finally {
			DataBufferUtils.release(chunk);
		}
		try {
			for (int i = 0; i < blocks.size(); i++) {
				relay(blocks.get(i));
			}
		}
		catch (RuntimeException ex) {
			// A hook failed, or its event cannot be framed: what came before still goes
			// out, then the stream ends (see takeFailure).
			this.failure = ex;
		}
		return collect();
	}

	private void relay(SseEvent block) {
		String id = block.id();
		if (!this.replays.forward(id != null, id, block.hasData())) {
			return;
		}
		if (block.hasData()) {
			this.hooks.apply(block, this::addEvent);
		}
		else {
			add(encoded(block));
		}
	}

	private void addEvent(SseEvent event) {
		if (event.hasData()) {
			this.events++;
		}
		add(encoded(event));
	}

	private static byte[] encoded(SseEvent event) {
		byte[] raw = event.rawBytes();
		return (raw != null) ? raw : SseWriter.encode(event);
	}

	private void add(byte[] bytes) {
		this.pieces.add(bytes);
		this.total += bytes.length;
	}

	private @Nullable ByteBuf collect() {
		int count = this.pieces.size();
		if (count == 0) {
			return null;
		}
		byte[] result;
		if (count == 1) {
			result = this.pieces.get(0);
		}
		else {
			// One buffer per upstream read: its events go out in one write and one flush.
			result = new byte[this.total];
			int position = 0;
			for (byte[] piece : this.pieces) {
				System.arraycopy(piece, 0, result, position, piece.length);
				position += piece.length;
			}
		}
		this.pieces.clear();
		this.total = 0;
		return Unpooled.wrappedBuffer(result);
	}

	@Override
	public @Nullable RuntimeException takeFailure() {
		RuntimeException taken = this.failure;
		this.failure = null;
		return taken;
	}

	@Override
	public void connectionEnded() {
		try {
			this.parser.end();
		}
		catch (SseLimitExceededException ex) {
			// Already reported by the chunk that exceeded the limit.
		}
	}

	@Override
	public @Nullable Duration reconnectionTime() {
		return this.parser.reconnectionTime();
	}

	@Override
	String streamLastEventId() {
		return this.parser.lastEventId();
	}

	@Override
	void feedAndEnd(byte[] block) {
		// The pass-through parser returns the block; it is not forwarded.
		this.parser.feed(block, 0, block.length);
		this.parser.end();
	}

}
