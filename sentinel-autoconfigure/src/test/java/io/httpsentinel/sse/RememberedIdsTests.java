package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;

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
		assertThat(new String(ids.bytes(other), 0, ids.length(other), StandardCharsets.UTF_8)).isEqualTo("BB");
		assertThat(contains(ids, "Aa")).isTrue();
		assertThat(contains(ids, "BB")).isTrue();
	}

	@Test
	void aSlotReusedForALongerIdHoldsAllOfIt() {
		RememberedIds ids = new RememberedIds(1);
		add(ids, "1");
		String longer = "x".repeat(1000);
		int slot = add(ids, longer);
		assertThat(new String(ids.bytes(slot), 0, ids.length(slot), StandardCharsets.UTF_8)).isEqualTo(longer);
		assertThat(contains(ids, "1")).isFalse();
		add(ids, "2");
		assertThat(contains(ids, longer)).isFalse();
		assertThat(contains(ids, "2")).isTrue();
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
