package io.httpsentinel.sse;

import java.util.Arrays;

/**
 * The last ids a stream forwarded, as the bytes they arrived in, up to a fixed number:
 * adding one more forgets the oldest. Ids are compared byte for byte, never by hash
 * alone. Their bytes are kept one after the other in one array, oldest first (an array
 * per id would cost an object header and padding per id, more than a short id itself, for
 * as long as the stream is open); the bytes of forgotten ids are squeezed out when the
 * array is full, so that nothing is allocated per id once it has grown. Not thread-safe.
 */
final class RememberedIds {

	// An idle stream forwards a few ids in a while: a stream holds arrays for as many ids
	// as it forwarded, up to the capacity.
	private static final int INITIAL_SLOTS = 4;

	// Per slot in the slots array: where the id's bytes are, their length, the id's hash,
	// and the next slot in its hash bucket (-1 for none).
	private static final int OFFSET = 0;

	private static final int LENGTH = 1;

	private static final int HASH = 2;

	private static final int NEXT = 3;

	private static final int INTS_PER_SLOT = 4;

	// The least the bytes array grows to.
	private static final int MIN_BYTES = 32;

	// A bytes array larger than this and four times what its ids need is made smaller,
	// so that one long id does not stay held.
	private static final int RETAINED_BYTES = 1024;

	private static final byte[] EMPTY = {};

	private static final int[] NO_BUCKETS = { -1 };

	private final int capacity;

	// The ids' bytes, in the order they were added (so the oldest first), with the bytes
	// of ids forgotten since the array was last squeezed between them.
	private byte[] bytes = EMPTY;

	// Where the next id's bytes go.
	private int end;

	// The bytes of the ids remembered.
	private int held;

	// Per slot, its ints (one array for the four: fewer objects per stream). Slots fill
	// in order, then are reused from the oldest.
	private int[] slots = {};

	// First slot of each bucket, -1 for none; a bucket per slot, rounded up to a power of
	// two (one empty bucket before the first id).
	private int[] buckets = NO_BUCKETS;

	private int count;

	private int oldest;

	/**
	 * Remembers up to so many ids.
	 * @param capacity the most ids remembered
	 */
	RememberedIds(int capacity) {
		this.capacity = capacity;
	}

	/**
	 * Whether an id is remembered.
	 * @param bytes where the id is
	 * @param offset its start
	 * @param length its length
	 * @return whether it is
	 */
	boolean contains(byte[] bytes, int offset, int length) {
		return find(hash(bytes, offset, length), bytes, offset, length) >= 0;
	}

	/**
	 * Remember an id, unless it is already: then it keeps its place (it is forgotten as
	 * early as before).
	 * @param bytes where the id is
	 * @param offset its start
	 * @param length its length
	 * @return the slot that holds it, valid until {@link #capacity} more ids were added
	 */
	int add(byte[] bytes, int offset, int length) {
		int hash = hash(bytes, offset, length);
		int found = find(hash, bytes, offset, length);
		if (found >= 0) {
			return found;
		}
		int slot;
		if (this.count < this.capacity) {
			if (this.count * INTS_PER_SLOT == this.slots.length) {
				grow();
			}
			slot = this.count++;
		}
		else {
			slot = this.oldest;
			this.oldest = (slot + 1 == this.capacity) ? 0 : slot + 1;
			unlink(slot);
			this.held -= this.slots[slot * INTS_PER_SLOT + LENGTH];
		}
		int at = slot * INTS_PER_SLOT;
		// Now the newest slot: it holds no bytes until the new id's are copied.
		this.slots[at + LENGTH] = 0;
		makeRoom(length);
		System.arraycopy(bytes, offset, this.bytes, this.end, length);
		this.slots[at + OFFSET] = this.end;
		this.slots[at + LENGTH] = length;
		this.slots[at + HASH] = hash;
		this.end += length;
		this.held += length;
		link(slot, hash);
		return slot;
	}

	/**
	 * The array that holds the ids' bytes; valid until the next {@link #add}.
	 * @return the array
	 */
	byte[] bytes() {
		return this.bytes;
	}

	/**
	 * Where the bytes of the id in a slot are in {@link #bytes()}.
	 * @param slot the slot
	 * @return the offset of its first byte
	 */
	int offset(int slot) {
		return this.slots[slot * INTS_PER_SLOT + OFFSET];
	}

	/**
	 * The length of the id in a slot.
	 * @param slot the slot
	 * @return its length in bytes
	 */
	int length(int slot) {
		return this.slots[slot * INTS_PER_SLOT + LENGTH];
	}

	private int find(int hash, byte[] bytes, int offset, int length) {
		int[] slots = this.slots;
		for (int slot = this.buckets[hash & (this.buckets.length - 1)]; slot >= 0; slot = slots[slot * INTS_PER_SLOT
				+ NEXT]) {
			int at = slot * INTS_PER_SLOT;
			int from = slots[at + OFFSET];
			if (slots[at + HASH] == hash && slots[at + LENGTH] == length
					&& Arrays.equals(this.bytes, from, from + length, bytes, offset, offset + length)) {
				return slot;
			}
		}
		return -1;
	}

	/**
	 * Make room for {@code length} more bytes at {@link #end}: squeeze out the bytes of
	 * forgotten ids, in a larger array if half of it would still be in use (or a smaller
	 * one, if a long id made it much larger than needed).
	 */
	private void makeRoom(int length) {
		if (this.end + length <= this.bytes.length) {
			return;
		}
		int needed = this.held + length;
		int size = this.bytes.length;
		if (2L * needed > size || (size > RETAINED_BYTES && size > 4L * needed)) {
			size = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(MIN_BYTES, 2L * needed));
		}
		byte[] target = (size != this.bytes.length) ? new byte[size] : this.bytes;
		// The ids' bytes are in the order the slots were filled, oldest first: moved
		// down in that order, none overwrites another's before it moved.
		int to = 0;
		for (int i = 0; i < this.count; i++) {
			int slot = this.oldest + i;
			if (slot >= this.count) {
				slot -= this.count;
			}
			int at = slot * INTS_PER_SLOT;
			int slotLength = this.slots[at + LENGTH];
			System.arraycopy(this.bytes, this.slots[at + OFFSET], target, to, slotLength);
			this.slots[at + OFFSET] = to;
			to += slotLength;
		}
		this.bytes = target;
		this.end = to;
	}

	private void link(int slot, int hash) {
		int bucket = hash & (this.buckets.length - 1);
		this.slots[slot * INTS_PER_SLOT + NEXT] = this.buckets[bucket];
		this.buckets[bucket] = slot;
	}

	private void unlink(int slot) {
		int[] slots = this.slots;
		int bucket = slots[slot * INTS_PER_SLOT + HASH] & (this.buckets.length - 1);
		int current = this.buckets[bucket];
		if (current == slot) {
			this.buckets[bucket] = slots[slot * INTS_PER_SLOT + NEXT];
			return;
		}
		while (slots[current * INTS_PER_SLOT + NEXT] != slot) {
			current = slots[current * INTS_PER_SLOT + NEXT];
		}
		slots[current * INTS_PER_SLOT + NEXT] = slots[slot * INTS_PER_SLOT + NEXT];
	}

	private void grow() {
		int used = this.count;
		int[] slots = this.slots;
		int size = Math.min(Math.max(INITIAL_SLOTS, 2 * (slots.length / INTS_PER_SLOT)), this.capacity);
		this.slots = Arrays.copyOf(slots, size * INTS_PER_SLOT);
		this.buckets = new int[Integer.highestOneBit(size * 2 - 1)];
		Arrays.fill(this.buckets, -1);
		for (int slot = 0; slot < used; slot++) {
			link(slot, slots[slot * INTS_PER_SLOT + HASH]);
		}
	}

	private static int hash(byte[] bytes, int offset, int length) {
		int hash = 1;
		for (int i = offset; i < offset + length; i++) {
			hash = 31 * hash + bytes[i];
		}
		return hash ^ (hash >>> 16);
	}

}
