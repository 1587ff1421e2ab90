package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBuffer;

/**
 * Turns the chunks of an upstream event stream into the bytes to forward, one chunk at a
 * time: without hooks, each block exactly as received, as slices of the upstream's own
 * buffers (no decoding, re-encoding or copying: a chunk's complete blocks go out in one
 * write of the buffers they arrived in); with hooks, each event run through them and
 * written by {@link SseWriter}. Blocks without data (an {@code id} or {@code retry}
 * alone, comments) are forwarded as they are, so that the downstream's last event id and
 * reconnection time stay in step.
 * <p>
 * It keeps what resuming needs: the id of the last block forwarded (the
 * {@code Last-Event-ID} to reconnect with), whether events without an id were forwarded
 * after it (then a reconnect would send them twice), and the ids already forwarded, so
 * that after a resume a block with a known id (and the blocks without an id after it) are
 * skipped. Not thread-safe.
 */
public final class EventRelay {

	/** Ids remembered for skipping replayed events after a resume. */
	static final int REMEMBERED_IDS = 512;

	private final SseParser parser;

	private final EventHooks hooks;

	private final @Nullable Map<String, Boolean> forwardedIds;

	// Without hooks: the chunks the bytes to forward are cut from.
	private final @Nullable HeldChunks held;

	// Null when it is the parser's (a relay without hooks that forwards every block).
	private @Nullable String lastEventId;

	private boolean eventsWithoutId;

	private boolean deduplicating;

	private boolean skipping;

	private int events;

	private @Nullable RuntimeException failure;

	// With hooks: the encoded events of one chunk.
	private final List<byte[]> pieces = new ArrayList<>(4);

	private int total;

	// Without hooks: the run of forwarded blocks not yet cut out, and what was cut.
	private long runStart = -1;

	private long runEnd;

	private @Nullable CompositeByteBuf out;

	private final OutputBuffers output;

	/**
	 * Create a relay for one downstream stream.
	 * @param limits limits of the upstream's lines and events
	 * @param hooks the hooks ({@link EventHooks#NONE} for pass-through)
	 * @param rememberIds whether to remember forwarded ids for skipping replays
	 * @param lastEventId the {@code Last-Event-ID} the first upstream connection is sent
	 * with, {@code ""} for none
	 */
	public EventRelay(SseLimits limits, EventHooks hooks, boolean rememberIds, String lastEventId) {
		this(limits, hooks, rememberIds, lastEventId, (alloc) -> alloc.compositeDirectBuffer(Integer.MAX_VALUE));
	}

	/**
	 * Create a relay for one downstream stream.
	 * @param limits limits of the upstream's lines and events
	 * @param hooks the hooks ({@link EventHooks#NONE} for pass-through)
	 * @param rememberIds whether to remember forwarded ids for skipping replays
	 * @param lastEventId the {@code Last-Event-ID} the first upstream connection is sent
	 * with, {@code ""} for none
	 * @param output makes the buffers that the pass-through's slices are gathered in
	 */
	public EventRelay(SseLimits limits, EventHooks hooks, boolean rememberIds, String lastEventId,
			OutputBuffers output) {
		this.output = output;
		// Without hooks nothing reads the data: only the bytes are forwarded.
		this.parser = hooks.isEmpty() ? SseParser.forRawRelay(limits, rememberIds) : SseParser.forPassThrough(limits);
		this.held = hooks.isEmpty() ? new HeldChunks() : null;
		this.hooks = hooks;
		this.forwardedIds = rememberIds ? new LinkedHashMap<>(32, 0.75f, false) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
				return size() > REMEMBERED_IDS;
			}

		} : null;
		this.lastEventId = lastEventId;
		seedParser();
	}

	/**
	 * Relay one chunk.
	 * @param chunk the chunk, owned by the relay from now on (released or held)
	 * @return the bytes to forward for the blocks this chunk completed, owned by the
	 * caller, or {@code null} if there are none
	 * @throws SseLimitExceededException when the upstream exceeds the limits
	 */
	public @Nullable ByteBuf relay(DataBuffer chunk) {
		this.events = 0;
		HeldChunks chunks = this.held;
		return (chunks != null) ? relayBytes(chunk, chunks) : relayEvents(chunk);
	}

	// Without hooks: the blocks' bytes, cut out of the upstream's buffers.
	private @Nullable ByteBuf relayBytes(DataBuffer chunk, HeldChunks chunks) {
		ByteBuf bytes = byteBuf(chunk);
		if (bytes.readableBytes() == 0) {
			bytes.release();
			return null;
		}
		SseParser blocks = this.parser;
		int count;
		try {
			count = blocks.feedBlocks(bytes);
		}
		finally {
			// Held from now on (also when the parser failed: released with the
			// connection); read before, since it may be copied and released.
			chunks.add(bytes);
		}
		for (int i = 0; i < count; i++) {
			boolean hasData = blocks.blockHasData(i);
			if (forward(blocks.blockHasId(i), blocks.blockId(i), hasData)) {
				if (hasData) {
					this.events++;
				}
				cut(blocks.blockStart(i), blocks.blockEnd(i), chunks);
			}
		}
		cutRun(chunks);
		chunks.dropBefore(this.parser.pendingStart());
		ByteBuf result = this.out;
		this.out = null;
		return result;
	}

	// With hooks: each event through the hooks, then encoded.
	private @Nullable ByteBuf relayEvents(DataBuffer chunk) {
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
		if (this.runStart >= 0) {
			CompositeByteBuf buffer = this.out;
			if (buffer == null) {
				buffer = this.output.newBuffer(chunks.alloc());
				this.out = buffer;
			}
			chunks.appendTo(this.runStart, this.runEnd, buffer);
			this.runStart = -1;
		}
	}

	/**
	 * Makes the buffers a relay without hooks returns: the slices of the upstream's
	 * buffers for one chunk are gathered in one, written with one gathering write.
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

	/**
	 * The hook failure of the last {@link #relay}, if any, cleared.
	 * @return the failure, or {@code null}
	 */
	public @Nullable RuntimeException takeFailure() {
		RuntimeException taken = this.failure;
		this.failure = null;
		return taken;
	}

	/**
	 * Events with data in the bytes the last {@link #relay} returned.
	 * @return the number of events
	 */
	public int events() {
		return this.events;
	}

	/**
	 * Whether a block is forwarded, keeping track of ids; a block skipped as a replay is
	 * not.
	 * @param hasId whether the block has an id
	 * @param id the id, or {@code null} when ids are not remembered (then the parser's
	 * last event id is the relay's: every block is forwarded)
	 * @param hasData whether the block has data
	 */
	private boolean forward(boolean hasId, @Nullable String id, boolean hasData) {
		if (this.deduplicating) {
			if (hasId) {
				this.skipping = this.forwardedIds.containsKey(id);
			}
			if (this.skipping) {
				return false;
			}
		}
		if (hasId) {
			this.lastEventId = id;
			this.eventsWithoutId = false;
			if (this.forwardedIds != null) {
				this.forwardedIds.put(id, Boolean.TRUE);
			}
		}
		else if (hasData) {
			this.eventsWithoutId = true;
		}
		return true;
	}

	private void relay(SseEvent block) {
		String id = block.id();
		if (!forward(id != null, id, block.hasData())) {
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

	/**
	 * The upstream connection ended: a partial block is dropped (the spec discards it,
	 * and a resumed upstream sends it again).
	 */
	public void connectionEnded() {
		release();
		try {
			this.parser.end();
		}
		catch (SseLimitExceededException ex) {
			// Already reported by the chunk that exceeded the limit.
		}
	}

	/**
	 * Release the upstream's buffers held for a partial block: the stream is over, or its
	 * upstream connection.
	 */
	public void release() {
		this.runStart = -1;
		if (this.out != null) {
			this.out.release();
			this.out = null;
		}
		if (this.held != null) {
			this.held.clear();
		}
	}

	/**
	 * A new upstream connection resumes the stream: from now on, blocks whose id was
	 * already forwarded are skipped, with the blocks without an id that follow them.
	 */
	public void resumed() {
		this.deduplicating = this.forwardedIds != null;
		this.skipping = false;
		seedParser();
	}

	/**
	 * Whether a reconnect can continue the stream without sending an event twice: no
	 * event without an id was forwarded after the last id.
	 * @return whether the stream can be resumed
	 */
	public boolean resumable() {
		return !this.eventsWithoutId;
	}

	/**
	 * Id of the last block forwarded that had one (or the initial {@code Last-Event-ID}):
	 * what the downstream client would send as {@code Last-Event-ID} now.
	 * @return the id, {@code ""} for none
	 */
	public String lastEventId() {
		String id = this.lastEventId;
		return (id != null) ? id : this.parser.lastEventId();
	}

	/**
	 * Reconnection time the upstream asked for with {@code retry:}.
	 * @return the time, or {@code null}
	 */
	public @Nullable Duration reconnectionTime() {
		return this.parser.reconnectionTime();
	}

	private void seedParser() {
		String id = lastEventId();
		if (!this.parser.lastEventId().equals(id)) {
			// The spec's way to set the last event id: an id field and a blank line. The
			// pass-through parser returns that block; it is not forwarded.
			byte[] seed = ("id:" + id + "\n\n").getBytes(StandardCharsets.UTF_8);
			this.parser.feed(seed, 0, seed.length);
			this.parser.end();
		}
	}

}
