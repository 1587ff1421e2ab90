package io.httpsentinel.sse;

import java.util.Arrays;

/**
 * The last ids a stream forwarded, as the bytes they arrived in, up to a fixed number:
 * adding one more forgets the oldest. Ids are compared byte for byte, never by hash
 * alone, and nothing is allocated per id once the arrays have grown: an id's bytes are
 * copied into the array its slot had before when they fit. Not thread-safe.
 */
final class RememberedIds {

	// An idle stream forwards a few ids in a while: a stream holds arrays for as many ids
	// as it forwarded, up to the capacity.
	private static final int INITIAL_SLOTS = 4;

	// Per slot in the slots array: the id's length, its hash, and the next slot in its
	// hash bucket (-1 for none).
	private static final int LENGTH = 0;

	private static final int HASH = 1;

	private static final int NEXT = 2;

	private static final int INTS_PER_SLOT = 3;

	// Slot arrays larger than this are not kept for the next id of the slot, so that one
	// long id does not stay held.
	private static final int RETAINED_ID = 256;

	private static final byte[] EMPTY = {};

	private static final int[] NO_BUCKETS = { -1 };

	private final int capacity;

	// Per slot: the id's bytes (a prefix of the array), and its ints in slots (one array
	// for the three: fewer objects per stream). Slots fill in order, then are reused from
	// the oldest.
	private byte[][] ids = {};

	private int[] slots = {};

	// First slot of each bucket, -1 for none; twice as many buckets as slots (one
	// empty bucket before the first id).
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
			if (this.count == this.ids.length) {
				grow();
			}
			slot = this.count++;
		}
		else {
			slot = this.oldest;
			this.oldest = (slot + 1 == this.capacity) ? 0 : slot + 1;
			unlink(slot);
		}
		byte[] held = this.ids[slot];
		if (held.length < length || held.length > Math.max(RETAINED_ID, length)) {
			held = new byte[length];
			this.ids[slot] = held;
		}
		System.arraycopy(bytes, offset, held, 0, length);
		int at = slot * INTS_PER_SLOT;
		this.slots[at + LENGTH] = length;
		this.slots[at + HASH] = hash;
		link(slot, hash);
		return slot;
	}

	/**
	 * The bytes of the id in a slot (a prefix of the array, {@link #length} long).
	 * @param slot the slot
	 * @return the array
	 */
	byte[] bytes(int slot) {
		return this.ids[slot];
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
			if (slots[at + HASH] == hash && slots[at + LENGTH] == length
					&& Arrays.equals(this.ids[slot], 0, length, bytes, offset, offset + length)) {
				return slot;
			}
		}
		return -1;
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
		byte[][] ids = this.ids;
		int[] slots = this.slots;
		allocate(Math.min(Math.max(INITIAL_SLOTS, 2 * ids.length), this.capacity));
		System.arraycopy(ids, 0, this.ids, 0, used);
		System.arraycopy(slots, 0, this.slots, 0, used * INTS_PER_SLOT);
		for (int slot = 0; slot < used; slot++) {
			link(slot, slots[slot * INTS_PER_SLOT + HASH]);
		}
	}

	private void allocate(int count) {
		this.ids = new byte[count][];
		Arrays.fill(this.ids, EMPTY);
		this.slots = new int[count * INTS_PER_SLOT];
		this.buckets = new int[Integer.highestOneBit(count * 2 - 1) << 1];
		Arrays.fill(this.buckets, -1);
	}

	private static int hash(byte[] bytes, int offset, int length) {
		int hash = 1;
		for (int i = offset; i < offset + length; i++) {
			hash = 31 * hash + bytes[i];
		}
		return hash ^ (hash >>> 16);
	}

}
