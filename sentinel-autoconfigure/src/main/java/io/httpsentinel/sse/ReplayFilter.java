package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Decides which blocks of a resumed stream a relay forwards, and keeps what resuming
 * needs: the id of the last block forwarded (the {@code Last-Event-ID} to reconnect
 * with), whether events without an id were forwarded after it (then a reconnect would
 * send them twice), and the ids already forwarded, so that after a resume a block with a
 * known id, and the blocks without an id after it, are skipped as replays. Not
 * thread-safe.
 */
final class ReplayFilter {

	/** Ids remembered for skipping replayed events after a resume. */
	static final int REMEMBERED_IDS = 512;

	private final @Nullable RememberedIds forwardedIds;

	// Null when it is the stream's (ids are not remembered, every block is forwarded),
	// or not decoded yet from its slot.
	private @Nullable String lastEventId;

	// When ids are remembered: the slot of the last id forwarded, -1 for the initial one.
	private int lastIdSlot = -1;

	private boolean eventsWithoutId;

	private boolean deduplicating;

	private boolean skipping;

	/**
	 * A filter.
	 * @param rememberIds whether to remember forwarded ids for skipping replays
	 * @param lastEventId the {@code Last-Event-ID} the first upstream connection is sent
	 * with, {@code ""} for none
	 */
	ReplayFilter(boolean rememberIds, String lastEventId) {
		this.forwardedIds = rememberIds ? new RememberedIds(REMEMBERED_IDS) : null;
		this.lastEventId = lastEventId;
	}

	/**
	 * Whether ids are remembered, so that each block's id is needed.
	 * @return whether blocks' ids are remembered
	 */
	boolean remembersIds() {
		return this.forwardedIds != null;
	}

	/**
	 * Whether a block is forwarded, keeping track of ids; a block skipped as a replay is
	 * not.
	 * @param hasId whether the block has an id
	 * @param id the id, or {@code null} when ids are not remembered (then the stream's
	 * last event id is the relay's: every block is forwarded)
	 * @param hasData whether the block has data
	 * @return whether to forward the block
	 */
	boolean forward(boolean hasId, @Nullable String id, boolean hasData) {
		if (id == null) {
			return forward(hasId, null, 0, 0, hasData);
		}
		byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
		return forward(hasId, bytes, 0, bytes.length, hasData);
	}

	/**
	 * Whether a block is forwarded, keeping track of ids; a block skipped as a replay is
	 * not. Ids are told apart by their bytes, and the bytes are copied only when a new id
	 * is remembered.
	 * @param hasId whether the block has an id
	 * @param id where the id's bytes (UTF-8) are, or {@code null} when ids are not
	 * remembered (then the stream's last event id is the relay's: every block is
	 * forwarded)
	 * @param offset the start of the id
	 * @param length the length of the id
	 * @param hasData whether the block has data
	 * @return whether to forward the block
	 */
	boolean forward(boolean hasId, byte @Nullable [] id, int offset, int length, boolean hasData) {
		RememberedIds ids = this.forwardedIds;
		if (this.deduplicating) {
			if (hasId) {
				this.skipping = ids.contains(id, offset, length);
			}
			if (this.skipping) {
				return false;
			}
		}
		if (hasId) {
			this.eventsWithoutId = false;
			if (ids != null) {
				int slot = ids.add(id, offset, length);
				if (slot != this.lastIdSlot) {
					// Decoded when asked for: most are never needed.
					this.lastIdSlot = slot;
					this.lastEventId = null;
				}
			}
			else {
				this.lastEventId = null;
			}
		}
		else if (hasData) {
			this.eventsWithoutId = true;
		}
		return true;
	}

	/**
	 * A new upstream connection resumes the stream: from now on, blocks whose id was
	 * already forwarded are skipped, with the blocks without an id that follow them.
	 */
	void resumed() {
		this.deduplicating = this.forwardedIds != null;
		this.skipping = false;
	}

	/**
	 * Whether a reconnect can continue the stream without sending an event twice.
	 * @return whether no event without an id was forwarded after the last id
	 */
	boolean resumable() {
		return !this.eventsWithoutId;
	}

	/**
	 * Id of the last block forwarded that had one, or the initial one.
	 * @return the id, or {@code null} when ids are not known here (the stream's last
	 * event id is then the one)
	 */
	@Nullable String lastEventId() {
		if (this.lastEventId == null && this.lastIdSlot >= 0) {
			RememberedIds ids = this.forwardedIds;
			this.lastEventId = Utf8.decode(ids.bytes(), ids.offset(this.lastIdSlot), ids.length(this.lastIdSlot),
					false);
		}
		return this.lastEventId;
	}

}
