package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReplayFilter}: which blocks of a resumed stream are forwarded, and the
 * last event id and resumability it keeps.
 */
class ReplayFilterTests {

	@Test
	void beforeAResumeEveryBlockIsForwarded() {
		ReplayFilter filter = new ReplayFilter(true, "");
		assertThat(filter.forward(true, "1", true)).isTrue();
		assertThat(filter.forward(true, "1", true)).isTrue();
		assertThat(filter.lastEventId()).isEqualTo("1");
	}

	@Test
	void afterAResumeAKnownIdAndTheBlocksWithoutIdAfterItAreSkipped() {
		ReplayFilter filter = new ReplayFilter(true, "");
		filter.forward(true, "1", true);
		filter.forward(true, "2", true);
		filter.resumed();
		assertThat(filter.forward(true, "2", true)).isFalse();
		assertThat(filter.forward(false, null, true)).isFalse();
		assertThat(filter.forward(true, "3", true)).isTrue();
		assertThat(filter.forward(false, null, true)).isTrue();
		assertThat(filter.lastEventId()).isEqualTo("3");
	}

	@Test
	void anEventWithoutIdAfterTheLastIdMakesTheStreamNotResumable() {
		ReplayFilter filter = new ReplayFilter(false, "7");
		assertThat(filter.lastEventId()).isEqualTo("7");
		filter.forward(false, null, false);
		assertThat(filter.resumable()).isTrue();
		filter.forward(false, null, true);
		assertThat(filter.resumable()).isFalse();
		filter.forward(true, "8", false);
		assertThat(filter.resumable()).isTrue();
	}

	@Test
	void withoutRememberedIdsAResumeSkipsNothingAndTheLastIdIsLeftToTheStream() {
		ReplayFilter filter = new ReplayFilter(false, "");
		assertThat(filter.remembersIds()).isFalse();
		filter.forward(true, null, true);
		filter.resumed();
		assertThat(filter.forward(true, null, true)).isTrue();
		assertThat(filter.lastEventId()).isNull();
	}

	@Test
	void idsAreComparedAsTheBytesTheyArrivedIn() {
		ReplayFilter filter = new ReplayFilter(true, "");
		byte[] first = { 'a', (byte) 0xFF };
		byte[] second = { 'a', (byte) 0xFE };
		filter.forward(true, first, 0, 2, true);
		filter.resumed();
		// Both decode to "a\uFFFD", but only the first was forwarded.
		assertThat(filter.forward(true, second, 0, 2, true)).isTrue();
		assertThat(filter.forward(true, first, 0, 2, true)).isFalse();
		assertThat(filter.lastEventId()).isEqualTo("a\uFFFD");
	}

	@Test
	void theLastIdIsDecodedFromItsBytesWhenAskedFor() {
		ReplayFilter filter = new ReplayFilter(true, "initial");
		assertThat(filter.lastEventId()).isEqualTo("initial");
		byte[] bytes = "x\u00e9y".getBytes(StandardCharsets.UTF_8);
		filter.forward(true, bytes, 1, bytes.length - 2, true);
		assertThat(filter.lastEventId()).isEqualTo("\u00e9");
		filter.forward(false, null, 0, 0, true);
		assertThat(filter.lastEventId()).isEqualTo("\u00e9");
		filter.forward(true, "2", true);
		filter.forward(true, bytes, 1, bytes.length - 2, true);
		assertThat(filter.lastEventId()).isEqualTo("\u00e9");
	}

}
