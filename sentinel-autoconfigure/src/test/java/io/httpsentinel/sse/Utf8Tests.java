package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Utf8}: decoding equals the Encoding Standard's decoder
 * ({@link ReferenceEventStream#decode}) on every sequence of up to four bytes drawn from
 * every byte class, and on random longer ones.
 */
class Utf8Tests {

	// One or two representatives of every class the UTF-8 decoder distinguishes.
	private static final int[] CLASSES = { 0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
			0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFB, 0xFC, 0xFE, 0xFF };

	@Test
	void everyShortSequenceDecodesAsTheWhatwgDecoder() {
		for (int length = 1; length <= 4; length++) {
			int[] index = new int[length];
			while (true) {
				byte[] bytes = new byte[length];
				for (int i = 0; i < length; i++) {
					bytes[i] = (byte) CLASSES[index[i]];
				}
				assertDecodesAsReference(bytes);
				int i = length - 1;
				while (i >= 0 && ++index[i] == CLASSES.length) {
					index[i--] = 0;
				}
				if (i < 0) {
					break;
				}
			}
		}
	}

	@Test
	void randomSequencesDecodeAsTheWhatwgDecoder() {
		Random random = new Random(7);
		for (int run = 0; run < 20_000; run++) {
			byte[] bytes = new byte[random.nextInt(40)];
			for (int i = 0; i < bytes.length; i++) {
				bytes[i] = (byte) (random.nextBoolean() ? CLASSES[random.nextInt(CLASSES.length)] : random.nextInt());
			}
			assertDecodesAsReference(bytes);
		}
	}

	@Test
	void encodedSurrogateIsOneReplacementCharPerByte() {
		// Where the JDK's decoder differs from the Encoding Standard.
		byte[] bytes = HexFormat.of().parseHex("eda080");
		assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("\uFFFD");
		assertThat(Utf8.decode(bytes, 0, bytes.length, false)).isEqualTo("\uFFFD\uFFFD\uFFFD");
	}

	@Test
	void encodeWritesUnpairedSurrogatesAsReplacementChar() {
		ByteSink out = new ByteSink();
		String text = "a\uDC00b\uD83D\uDE00\uD800";
		Utf8.encode(text, 0, text.length(), out);
		assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8)).isEqualTo("a\uFFFDb\uD83D\uDE00\uFFFD");
	}

	private static void assertDecodesAsReference(byte[] bytes) {
		// The reference strips a BOM; keep it out of the comparison by a leading byte.
		byte[] prefixed = new byte[bytes.length + 1];
		prefixed[0] = 'x';
		System.arraycopy(bytes, 0, prefixed, 1, bytes.length);
		String expected = ReferenceEventStream.decode(prefixed);
		assertThat(Utf8.decode(prefixed, 0, prefixed.length, false)).as(HexFormat.of().formatHex(bytes))
			.isEqualTo(expected);
	}

}
