package io.httpsentinel.sse;

import java.util.Arrays;

/**
 * The ids of the last events that had one, as the bytes they arrived in, up to a fixed
 * number: adding one more forgets the oldest (an id added twice takes two places). Ids
 * are compared byte for byte. Held for as long as a stream is open, so kept compact: the
 * ids' bytes one after the other in one array, oldest first (an array per id would cost
 * an object header and padding per id, more than a short id itself); per id, only where
 * its bytes start (its length is where the next id's start), and, once looked up, a
 * 2-byte entry in a hash table at most half full (open addressing): about 8 bytes per id
 * besides its own bytes, 4 before. The bytes of forgotten ids are squeezed out when the
 * array is full, and the arrays grow by half, so that nothing is allocated per id once
 * they have grown. Not thread-safe.
 * <p>
 * The table is built at the first lookup, not kept from the start: a stream looks ids up
 * only once it was resumed, which most streams never are, and keeping the table cost
 * every event an id's hash, a lookup and a removal (a seventh of what a forwarded event
 * costs the proxy beyond a plain relay).
 */
final class RememberedIds {

	/** The most ids a table of 2-byte entries can tell apart (0 marks an empty entry). */
	static final int MAX_CAPACITY = Character.MAX_VALUE - 1;

	// An idle stream forwards a few ids in a while: a stream holds arrays for as many ids
	// as it forwarded, up to the capacity.
	private static final int INITIAL_SLOTS = 4;

	// The least the bytes array grows to.
	private static final int MIN_BYTES = 32;

	// A bytes array larger than this and four times what its ids need is made smaller,
	// so that one long id does not stay held.
	private static final int RETAINED_BYTES = 1024;

	private static final byte[] EMPTY = {};

	private static final int[] NO_SLOTS = {};

	private static final char[] NO_TABLE = { 0 };

	private final int capacity;

	// The ids' bytes, in the order they were added (so the oldest first), with the bytes
	// of ids forgotten since the array was last squeezed before them.
	private byte[] bytes = EMPTY;

	// Where the next id's bytes go.
	private int end;

	// The bytes of the ids remembered.
	private int held;

	// Per slot, where its id's bytes start. Slots fill in order, then are reused from the
	// oldest: the slot after a slot (in a ring of `count` slots) holds the id added next,
	// whose bytes start where the slot's end, except for the newest, whose end at `end`.
	private int[] starts = NO_SLOTS;

	// Open addressing, linear probing: each entry is a slot + 1, or 0 when empty; at
	// least twice as many entries as slots (one empty entry before the first id). Built
	// at the first lookup (see `indexed`).
	private char[] table = NO_TABLE;

	// Whether the table is built and kept up to date.
	private boolean indexed;

	private int count;

	private int oldest;

	/**
	 * Remembers up to so many ids.
	 * @param capacity the most ids remembered, at most {@link #MAX_CAPACITY}
	 */
	RememberedIds(int capacity) {
		if (capacity < 1 || capacity > MAX_CAPACITY) {
			throw new IllegalArgumentException("capacity must be between 1 and " + MAX_CAPACITY + ": " + capacity);
		}
		this.capacity = capacity;
	}

	/**
	 * Whether an id is remembered. The first call builds the table that this and every
	 * later call looks ids up in, and that {@link #add} then keeps up to date.
	 * @param bytes where the id is
	 * @param offset its start
	 * @param length its length
	 * @return whether it is
	 */
	boolean contains(byte[] bytes, int offset, int length) {
		if (!this.indexed) {
			index();
		}
		return find(hash(bytes, offset, length), bytes, offset, length) >= 0;
	}

	/**
	 * Remember an id as the newest, forgetting the oldest if all places are taken.
	 * @param bytes where the id is
	 * @param offset its start
	 * @param length its length
	 * @return the slot that holds it, valid until {@link #capacity} more ids were added
	 */
	int add(byte[] bytes, int offset, int length) {
		int slot;
		if (this.count < this.capacity) {
			if (this.count == this.starts.length) {
				grow();
			}
			slot = this.count++;
		}
		else {
			slot = this.oldest;
			int forgotten = length(slot);
			if (this.indexed) {
				unlink(slot, hash(this.bytes, this.starts[slot], forgotten));
			}
			this.held -= forgotten;
			this.oldest = (slot + 1 == this.capacity) ? 0 : slot + 1;
		}
		// Now the newest slot: it holds no bytes until the new id's are copied.
		this.starts[slot] = this.end;
		makeRoom(length);
		System.arraycopy(bytes, offset, this.bytes, this.end, length);
		this.starts[slot] = this.end;
		this.end += length;
		this.held += length;
		if (this.indexed) {
			link(slot, hash(bytes, offset, length));
		}
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
		return this.starts[slot];
	}

	/**
	 * The length of the id in a slot.
	 * @param slot the slot
	 * @return its length in bytes
	 */
	int length(int slot) {
		int next = (slot + 1 == this.count) ? 0 : slot + 1;
		boolean newest = next == this.oldest;
		return (newest ? this.end : this.starts[next]) - this.starts[slot];
	}

	/**
	 * The bytes the arrays take, besides their headers: what a stream holds for its ids.
	 * @return the byte count
	 */
	int footprint() {
		return this.bytes.length + 4 * this.starts.length + 2 * this.table.length;
	}

	private int find(int hash, byte[] bytes, int offset, int length) {
		char[] table = this.table;
		int mask = table.length - 1;
		for (int i = hash & mask; table[i] != 0; i = (i + 1) & mask) {
			int slot = table[i] - 1;
			int from = this.starts[slot];
			if (length(slot) == length
					&& Arrays.equals(this.bytes, from, from + length, bytes, offset, offset + length)) {
				return slot;
			}
		}
		return -1;
	}

	/**
	 * Make room for {@code length} more bytes at {@link #end}: squeeze out the bytes of
	 * forgotten ids, in a larger array if two thirds of it would still be in use (or a
	 * smaller one, if a long id made it much larger than needed).
	 */
	private void makeRoom(int length) {
		if (this.end + length <= this.bytes.length) {
			return;
		}
		long needed = (long) this.held + length;
		int size = this.bytes.length;
		if (3 * needed > 2L * size || (size > RETAINED_BYTES && size > 4 * needed)) {
			size = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(MIN_BYTES, needed + needed / 2));
		}
		byte[] target = (size != this.bytes.length) ? new byte[size] : this.bytes;
		// The ids' bytes are in the order the slots were filled, oldest first: moved
		// down in that order, none overwrites another's before it moved. Each length is
		// taken before the slot's start moves (it is read from the next slot's start).
		int to = 0;
		for (int i = 0; i < this.count; i++) {
			int slot = this.oldest + i;
			if (slot >= this.count) {
				slot -= this.count;
			}
			int slotLength = length(slot);
			System.arraycopy(this.bytes, this.starts[slot], target, to, slotLength);
			this.starts[slot] = to;
			to += slotLength;
		}
		this.bytes = target;
		this.end = to;
	}

	private void link(int slot, int hash) {
		char[] table = this.table;
		int mask = table.length - 1;
		int i = hash & mask;
		while (table[i] != 0) {
			i = (i + 1) & mask;
		}
		table[i] = (char) (slot + 1);
	}

	/**
	 * Take a slot out of the table, moving back the entries after it that would not be
	 * found otherwise (deletion without tombstones).
	 */
	private void unlink(int slot, int hash) {
		char[] table = this.table;
		int mask = table.length - 1;
		int i = hash & mask;
		while (table[i] != slot + 1) {
			i = (i + 1) & mask;
		}
		for (int j = (i + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
			int other = table[j] - 1;
			int home = hash(this.bytes, this.starts[other], length(other)) & mask;
			// The entry stays if its home is cyclically in (i, j]: it is still found.
			boolean stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
			if (!stays) {
				table[i] = table[j];
				i = j;
			}
		}
		table[i] = 0;
	}

	private void grow() {
		int size = Math.min(Math.max(INITIAL_SLOTS, this.starts.length + this.starts.length / 2), this.capacity);
		this.starts = Arrays.copyOf(this.starts, size);
		if (this.indexed && entriesFor(size) > this.table.length) {
			index();
		}
	}

	/**
	 * Build the table afresh for the ids remembered now, large enough for as many as
	 * there are slots.
	 */
	private void index() {
		this.indexed = true;
		this.table = new char[entriesFor(Math.max(1, this.starts.length))];
		for (int slot = 0; slot < this.count; slot++) {
			link(slot, hash(this.bytes, this.starts[slot], length(slot)));
		}
	}

	// At least twice as many entries as slots, a power of two.
	private static int entriesFor(int slots) {
		return Integer.highestOneBit(2 * slots - 1) << 1;
	}

	private static int hash(byte[] bytes, int offset, int length) {
		int hash = 1;
		for (int i = offset; i < offset + length; i++) {
			hash = 31 * hash + bytes[i];
		}
		// Mixed (MurmurHash3's finalizer) so that the table's index bits depend on every
		// byte: ids are often sequence numbers, whose polynomial hashes are nearly
		// consecutive, and linear probing turned them into runs of hundreds of entries
		// (409 for 512 sequential ids), scanned by every lookup of a new id and every
		// forgetting: 0.7 µs more per event at full speed.
		hash ^= hash >>> 16;
		hash *= 0x85ebca6b;
		hash ^= hash >>> 13;
		hash *= 0xc2b2ae35;
		return hash ^ (hash >>> 16);
	}

	/**
	 * The longest run of occupied entries in the hash table, which every lookup of an id
	 * that is not remembered may scan ({@code 0} before the first lookup).
	 * @return the entry count
	 */
	int longestRun() {
		char[] table = this.table;
		int longest = 0;
		int run = 0;
		for (int i = 0; i < 2 * table.length; i++) {
			run = (table[i & (table.length - 1)] != 0) ? run + 1 : 0;
			longest = Math.max(longest, Math.min(run, table.length));
		}
		return longest;
	}

}
