package io.httpsentinel.sse;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the oracle {@link ReferenceEventStream}'s UTF-8 decoding against examples
 * written out by hand from the standards, so that the oracle is checked by something
 * other than the decoder it checks.
 */
class ReferenceEventStreamTests {

	@Test
	void decodeReplacesEachMaximalSubpartWithOneReplacementChar() {
		// The example of the Unicode Standard, chapter 3, "U+FFFD Substitution of Maximal
		// Subparts" (the practice the Encoding Standard follows).
		assertThat(decode("61f18080e180c2628063" + "80bf64")).isEqualTo("a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd");
	}

	@Test
	void decodeReplacesEachByteOfAnEncodedSurrogate() {
		assertThat(decode("eda080")).isEqualTo("\uFFFD\uFFFD\uFFFD");
		assertThat(decode("41edbfbf42")).isEqualTo("A\uFFFD\uFFFD\uFFFDB");
		assertThat(decode("ed9fbf")).isEqualTo("\uD7FF");
	}

	@Test
	void decodeReplacesATruncatedSequenceAtTheEndOnce() {
		assertThat(decode("41f09f98")).isEqualTo("A\uFFFD");
	}

	@Test
	void decodeStripsOneLeadingByteOrderMark() {
		assertThat(decode("efbbbfefbbbf41")).isEqualTo("\uFEFFA");
	}

	private static String decode(String hex) {
		return ReferenceEventStream.decode(HexFormat.of().parseHex(hex));
	}

}
