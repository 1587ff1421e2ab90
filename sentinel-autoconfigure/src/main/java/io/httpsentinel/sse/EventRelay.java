package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * Turns the chunks of an upstream event stream into the bytes to forward, one chunk at a
 * time: without hooks, each block exactly as received (no decoding and re-encoding); with
 * hooks, each event run through them and written by {@link SseWriter}. Blocks without
 * data (an {@code id} or {@code retry} alone, comments) are forwarded as they are, so
 * that the downstream's last event id and reconnection time stay in step.
 * <p>
 * It keeps what resuming needs: the id of the last block forwarded (the
 * {@code Last-Event-ID} to reconnect with), whether events without an id were forwarded
 * after it (then a reconnect would send them twice), and the ids already forwarded, so
 * that after a resume a block with a known id (and the blocks without an id after it) are
 * skipped. Not thread-safe.
 */
final class EventRelay {

	/** Ids remembered for skipping replayed events after a resume. */
	static final int REMEMBERED_IDS = 512;

	private final SseParser parser;

	private final EventHooks hooks;

	private final @Nullable Map<String, Boolean> forwardedIds;

	private String lastEventId;

	private boolean eventsWithoutId;

	private boolean deduplicating;

	private boolean skipping;

	private int events;

	private int total;

	private @Nullable RuntimeException failure;

	private final List<byte[]> pieces = new ArrayList<>(4);

	/**
	 * Create a relay for one downstream stream.
	 * @param limits limits of the upstream's lines and events
	 * @param hooks the hooks ({@link EventHooks#NONE} for pass-through)
	 * @param rememberIds whether to remember forwarded ids for skipping replays
	 * @param lastEventId the {@code Last-Event-ID} the first upstream connection is sent
	 * with, {@code ""} for none
	 */
	EventRelay(SseLimits limits, EventHooks hooks, boolean rememberIds, String lastEventId) {
		// Without hooks nothing reads the data: only the raw bytes are forwarded.
		this.parser = hooks.isEmpty() ? SseParser.forRawRelay(limits) : SseParser.forPassThrough(limits);
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
	 * @param chunk the chunk, read but not released
	 * @return the bytes to forward for the blocks this chunk completed, or {@code null}
	 * if there are none
	 * @throws SseLimitExceededException when the upstream exceeds the limits
	 */
	byte @Nullable [] relay(DataBuffer chunk) {
		this.events = 0;
		List<SseEvent> blocks = this.parser.feed(chunk);
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
	 * The hook failure of the last {@link #relay}, if any, cleared.
	 * @return the failure, or {@code null}
	 */
	@Nullable RuntimeException takeFailure() {
		RuntimeException taken = this.failure;
		this.failure = null;
		return taken;
	}

	/**
	 * Events with data in the bytes the last {@link #relay} returned.
	 * @return the number of events
	 */
	int events() {
		return this.events;
	}

	private void relay(SseEvent block) {
		String id = block.id();
		if (this.deduplicating) {
			if (id != null) {
				this.skipping = this.forwardedIds.containsKey(id);
			}
			if (this.skipping) {
				return;
			}
		}
		if (id != null) {
			this.lastEventId = id;
			this.eventsWithoutId = false;
			if (this.forwardedIds != null) {
				this.forwardedIds.put(id, Boolean.TRUE);
			}
		}
		else if (block.hasData()) {
			this.eventsWithoutId = true;
		}
		if (!block.hasData() || this.hooks.isEmpty()) {
			add(block);
			return;
		}
		this.hooks.apply(block, this::add);
	}

	private void add(SseEvent event) {
		byte[] raw = event.rawBytes();
		byte[] bytes = (raw != null) ? raw : SseWriter.encode(event);
		if (event.hasData()) {
			this.events++;
		}
		this.pieces.add(bytes);
		this.total += bytes.length;
	}

	private byte @Nullable [] collect() {
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
		return result;
	}

	/**
	 * The upstream connection ended: a partial block is dropped (the spec discards it,
	 * and a resumed upstream sends it again).
	 */
	void connectionEnded() {
		try {
			this.parser.end();
		}
		catch (SseLimitExceededException ex) {
			// Already reported by the chunk that exceeded the limit.
		}
	}

	/**
	 * A new upstream connection resumes the stream: from now on, blocks whose id was
	 * already forwarded are skipped, with the blocks without an id that follow them.
	 */
	void resumed() {
		this.deduplicating = this.forwardedIds != null;
		this.skipping = false;
		seedParser();
	}

	/**
	 * Whether a reconnect can continue the stream without sending an event twice: no
	 * event without an id was forwarded after the last id.
	 * @return whether the stream can be resumed
	 */
	boolean resumable() {
		return !this.eventsWithoutId;
	}

	/**
	 * Id of the last block forwarded that had one (or the initial {@code Last-Event-ID}):
	 * what the downstream client would send as {@code Last-Event-ID} now.
	 * @return the id, {@code ""} for none
	 */
	String lastEventId() {
		return this.lastEventId;
	}

	/**
	 * Reconnection time the upstream asked for with {@code retry:}.
	 * @return the time, or {@code null}
	 */
	@Nullable Duration reconnectionTime() {
		return this.parser.reconnectionTime();
	}

	private void seedParser() {
		if (!this.parser.lastEventId().equals(this.lastEventId)) {
			// The spec's way to set the last event id: an id field and a blank line. The
			// pass-through parser returns that block; it is not forwarded.
			byte[] seed = ("id:" + this.lastEventId + "\n\n").getBytes(StandardCharsets.UTF_8);
			this.parser.feed(seed, 0, seed.length);
			this.parser.end();
		}
	}

}
