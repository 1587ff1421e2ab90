package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RememberedIds}: the ids of the last events, compared byte for byte,
 * the oldest forgotten first, the same whenever the first lookup builds the table.
 */
class RememberedIdsTests {

	@Test
	void anIdAddedIsRememberedAndAnotherIsNot() {
		RememberedIds ids = new RememberedIds(4);
		add(ids, "17");
		assertThat(contains(ids, "17")).isTrue();
		assertThat(contains(ids, "18")).isFalse();
		assertThat(contains(ids, "1")).isFalse();
		assertThat(contains(ids, "170")).isFalse();
	}

	@Test
	void beyondItsCapacityTheOldestIdsAreForgottenFirst() {
		RememberedIds ids = new RememberedIds(100);
		for (int i = 0; i < 250; i++) {
			add(ids, "id-" + i);
		}
		for (int i = 0; i < 250; i++) {
			assertThat(contains(ids, "id-" + i)).as("id-" + i).isEqualTo(i >= 150);
		}
	}

	@Test
	void anIdAddedAgainTakesAnotherPlaceAndIsRememberedUntilItsLastIsForgotten() {
		RememberedIds ids = new RememberedIds(3);
		int slot = add(ids, "a");
		add(ids, "b");
		assertThat(add(ids, "a")).isNotEqualTo(slot);
		add(ids, "c");
		// The first "a" is forgotten, the second is not.
		assertThat(contains(ids, "a")).isTrue();
		add(ids, "d");
		assertThat(contains(ids, "a")).isTrue();
		assertThat(contains(ids, "b")).isFalse();
		add(ids, "e");
		assertThat(contains(ids, "a")).isFalse();
		assertThat(contains(ids, "c")).isTrue();
		assertThat(contains(ids, "d")).isTrue();
		assertThat(contains(ids, "e")).isTrue();
	}

	@Test
	void idsWithTheSameHashAreToldApartByTheirBytes() {
		// "Aa" and "BB" have the same String hash, and so the same hash here.
		RememberedIds ids = new RememberedIds(8);
		add(ids, "Aa");
		assertThat(contains(ids, "BB")).isFalse();
		int other = add(ids, "BB");
		assertThat(new String(ids.bytes(), ids.offset(other), ids.length(other), StandardCharsets.UTF_8))
			.isEqualTo("BB");
		assertThat(contains(ids, "Aa")).isTrue();
		assertThat(contains(ids, "BB")).isTrue();
	}

	@Test
	void aSlotReusedForALongerIdHoldsAllOfIt() {
		RememberedIds ids = new RememberedIds(1);
		add(ids, "1");
		String longer = "x".repeat(1000);
		int slot = add(ids, longer);
		assertThat(new String(ids.bytes(), ids.offset(slot), ids.length(slot), StandardCharsets.UTF_8))
			.isEqualTo(longer);
		assertThat(contains(ids, "1")).isFalse();
		add(ids, "2");
		assertThat(contains(ids, longer)).isFalse();
		assertThat(contains(ids, "2")).isTrue();
	}

	@Test
	void rememberExactlyTheLastIdsAddedWhateverTheirLengths() {
		// Ids of all lengths, forgotten and squeezed out of the bytes array as it fills,
		// one very long once in a while: the ids remembered are always the last ones.
		Random random = new Random(42);
		int capacity = 16;
		RememberedIds ids = new RememberedIds(capacity);
		Deque<String> last = new ArrayDeque<>();
		for (int i = 0; i < 5_000; i++) {
			int length = (i % 997 == 0) ? 3_000 : random.nextInt(40);
			String id = Integer.toString(i) + "x".repeat(length);
			int slot = add(ids, id);
			assertThat(new String(ids.bytes(), ids.offset(slot), ids.length(slot), StandardCharsets.UTF_8))
				.isEqualTo(id);
			last.addLast(id);
			if (last.size() > capacity) {
				assertThat(contains(ids, last.removeFirst())).isFalse();
			}
			for (String remembered : last) {
				assertThat(contains(ids, remembered)).isTrue();
			}
		}
		// A long id once does not leave a large array behind.
		for (int i = 0; i < 3_000; i++) {
			add(ids, Integer.toString(i));
		}
		assertThat(ids.bytes().length).isLessThanOrEqualTo(1024);
	}

	@Test
	void anEmptyIdIsAnIdLikeAnother() {
		RememberedIds ids = new RememberedIds(2);
		assertThat(contains(ids, "")).isFalse();
		add(ids, "");
		assertThat(contains(ids, "")).isTrue();
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 700, 5_000, 19_999 })
	void rememberTheSameIdsAsAReferenceWhenIdsComeAgain(int firstLookup) {
		// Short ids, many of them sent again while remembered, at the capacity a stream
		// uses: slots reused in a ring, entries moved back in the table as others are
		// forgotten. The table is built at the first lookup: at once, once the ring
		// wrapped (after growing), or at the very end; the answers are the same.
		Random random = new Random(7);
		int capacity = ReplayFilter.REMEMBERED_IDS;
		RememberedIds ids = new RememberedIds(capacity);
		Deque<String> reference = new ArrayDeque<>();
		for (int i = 0; i < 20_000; i++) {
			String id = Integer.toString(random.nextInt(3 * capacity));
			if (i >= firstLookup) {
				assertThat(contains(ids, id)).as(id).isEqualTo(reference.contains(id));
			}
			int slot = add(ids, id);
			assertThat(new String(ids.bytes(), ids.offset(slot), ids.length(slot), StandardCharsets.UTF_8))
				.isEqualTo(id);
			reference.addLast(id);
			if (reference.size() > capacity) {
				reference.removeFirst();
			}
			if (i >= firstLookup && (i % 1000 == 0 || i == firstLookup)) {
				for (int other = 0; other < 3 * capacity; other++) {
					String otherId = Integer.toString(other);
					assertThat(contains(ids, otherId)).as(otherId).isEqualTo(reference.contains(otherId));
				}
			}
		}
	}

	@Test
	void anOpenStreamHoldsAboutFourBytesPerIdBesidesTheIdsThemselvesUntilItLooksOneUp() {
		// What a stream holds for its ids grows with its age up to the capacity: it must
		// stay small at every step (ids of 6 bytes, like most counters). Most streams are
		// never resumed, so never look an id up: they keep no table.
		RememberedIds ids = new RememberedIds(ReplayFilter.REMEMBERED_IDS);
		for (int i = 0; i < 12; i++) {
			add(ids, Integer.toString(100_000 + i));
		}
		assertThat(ids.footprint()).isLessThanOrEqualTo(12 * (4 + 6) + 64);
		for (int i = 12; i < 10_000; i++) {
			add(ids, Integer.toString(100_000 + i));
		}
		// 512 ids: 2 KB of starts, their 3 KB of bytes with a third more room.
		assertThat(ids.footprint()).isLessThanOrEqualTo(512 * 4 + 512 * 6 * 3 / 2 + 64);
		// A resumed stream: 2 KB more of table.
		assertThat(contains(ids, "109999")).isTrue();
		assertThat(ids.footprint()).isLessThanOrEqualTo(512 * 8 + 512 * 6 * 3 / 2 + 64);
	}

	@Test
	void sequentialIdsSpreadOverTheTable() {
		// Counters are the commonest ids, and their plain polynomial hashes are nearly
		// consecutive: unmixed, 512 of them made a run of 409 entries that every new id's
		// lookup scanned. Mixed, the longest run at half load stays short.
		for (int start : new int[] { 1, 100_000, 987_654, 12_345_678 }) {
			RememberedIds ids = new RememberedIds(ReplayFilter.REMEMBERED_IDS);
			RememberedIds indexedLate = new RememberedIds(ReplayFilter.REMEMBERED_IDS);
			assertThat(contains(ids, "x")).isFalse();
			for (int i = 0; i < 2 * ReplayFilter.REMEMBERED_IDS; i++) {
				add(ids, Integer.toString(start + i));
				add(indexedLate, Integer.toString(start + i));
			}
			assertThat(ids.longestRun()).as("from %d", start).isLessThanOrEqualTo(40);
			assertThat(contains(indexedLate, "x")).isFalse();
			assertThat(indexedLate.longestRun()).as("from %d, built late", start).isLessThanOrEqualTo(40);
		}
	}

	@Test
	void aCapacityOutOfRangeIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RememberedIds(0));
		assertThatIllegalArgumentException().isThrownBy(() -> new RememberedIds(RememberedIds.MAX_CAPACITY + 1));
	}

	private static int add(RememberedIds ids, String id) {
		byte[] bytes = ("<" + id + ">").getBytes(StandardCharsets.UTF_8);
		return ids.add(bytes, 1, bytes.length - 2);
	}

	private static boolean contains(RememberedIds ids, String id) {
		byte[] bytes = ("[[" + id + "]").getBytes(StandardCharsets.UTF_8);
		return ids.contains(bytes, 2, bytes.length - 3);
	}

}
