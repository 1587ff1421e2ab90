package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RememberedIds}: the last ids, compared byte for byte, the oldest
 * forgotten first.
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
	void anIdAddedAgainKeepsItsPlaceAndTakesNoOther() {
		RememberedIds ids = new RememberedIds(3);
		int slot = add(ids, "a");
		add(ids, "b");
		assertThat(add(ids, "a")).isEqualTo(slot);
		add(ids, "c");
		assertThat(contains(ids, "a")).isTrue();
		add(ids, "d");
		assertThat(contains(ids, "a")).isFalse();
		assertThat(contains(ids, "b")).isTrue();
		assertThat(contains(ids, "c")).isTrue();
		assertThat(contains(ids, "d")).isTrue();
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

	private static int add(RememberedIds ids, String id) {
		byte[] bytes = ("<" + id + ">").getBytes(StandardCharsets.UTF_8);
		return ids.add(bytes, 1, bytes.length - 2);
	}

	private static boolean contains(RememberedIds ids, String id) {
		byte[] bytes = ("[[" + id + "]").getBytes(StandardCharsets.UTF_8);
		return ids.contains(bytes, 2, bytes.length - 3);
	}

}
