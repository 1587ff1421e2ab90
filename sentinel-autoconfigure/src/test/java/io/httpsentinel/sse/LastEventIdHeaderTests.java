package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LastEventIdHeader}: ids to header values and back.
 */
class LastEventIdHeaderTests {

	@Test
	void aPlainAsciiIdIsItsOwnValue() {
		String id = "event-42";
		assertThat(LastEventIdHeader.encode(id)).isSameAs(id);
	}

	@Test
	void anIdIsSentAsTheCharactersOfItsUtf8Bytes() {
		assertThat(LastEventIdHeader.encode("日本")).isEqualTo("\u00e6\u0097\u00a5\u00e6\u009c\u00ac");
		assertThat(LastEventIdHeader.encode("é")).isEqualTo("\u00c3\u00a9");
	}

	@Test
	void spacesAndTabsAroundAnIdAreLeftOutAndThoseInsideKept() {
		assertThat(LastEventIdHeader.encode(" 7 ")).isEqualTo("7");
		assertThat(LastEventIdHeader.encode("\t 7 \t")).isEqualTo("7");
		assertThat(LastEventIdHeader.encode(" a b\tc ")).isEqualTo("a b\tc");
		assertThat(LastEventIdHeader.encode(" é ")).isEqualTo("\u00c3\u00a9");
	}

	@Test
	void anIdHttpCannotCarryHasNoValue() {
		assertThat(LastEventIdHeader.encode("")).isNull();
		assertThat(LastEventIdHeader.encode(" \t ")).isNull();
		assertThat(LastEventIdHeader.encode("7\u0001")).isNull();
		assertThat(LastEventIdHeader.encode("7\u001f8")).isNull();
		assertThat(LastEventIdHeader.encode("7\u007f")).isNull();
		assertThat(LastEventIdHeader.encode("日本\u0000")).isNull();
	}

	@Test
	void aC1ControlCharacterIsSentAsItsUtf8Bytes() {
		// Its bytes (C2 85) are obs-text, which HTTP carries.
		assertThat(LastEventIdHeader.encode("7\u0085")).isEqualTo("7\u00c2\u0085");
	}

	@Test
	void anUnpairedSurrogateIsSentAsTheReplacementCharacter() {
		assertThat(LastEventIdHeader.encode("a\ud800"))
			.isEqualTo(latin1(new byte[] { 'a', (byte) 0xEF, (byte) 0xBF, (byte) 0xBD }));
	}

	@Test
	void theReasonNamesTheControlCharacterOrTheBlankId() {
		assertThat(LastEventIdHeader.whyNotSent("7\u0001")).isEqualTo("it holds U+0001, a control character");
		assertThat(LastEventIdHeader.whyNotSent("  ")).isEqualTo("it is only spaces and tabs");
	}

	@Test
	void aLoggedIdShowsControlCharactersAsEscapesAndIsCut() {
		assertThat(LastEventIdHeader.printable("7\u0001\u007f")).isEqualTo("7\\u0001\\u007f");
		assertThat(LastEventIdHeader.printable("x".repeat(100))).isEqualTo("x".repeat(80) + "...");
	}

	@Test
	void aReceivedValueIsDecodedFromUtf8() {
		assertThat(LastEventIdHeader.decode(latin1("日本".getBytes(StandardCharsets.UTF_8)))).isEqualTo("日本");
		assertThat(LastEventIdHeader.decode(latin1("a😀".getBytes(StandardCharsets.UTF_8)))).isEqualTo("a😀");
		String ascii = "41";
		assertThat(LastEventIdHeader.decode(ascii)).isSameAs(ascii);
	}

	@Test
	void aReceivedValueThatIsNotUtf8HasNoId() {
		assertThat(LastEventIdHeader.decode("7\u0080")).isNull();
		assertThat(LastEventIdHeader.decode("\u00e6\u0097")).isNull();
		assertThat(LastEventIdHeader.decode("\u00ff\u00fe")).isNull();
		// An encoded surrogate, and an overlong '/'.
		assertThat(LastEventIdHeader.decode("\u00ed\u00a0\u0080")).isNull();
		assertThat(LastEventIdHeader.decode("\u00c0\u00af")).isNull();
	}

	@Test
	void aValueTheServerDecodedAlreadyIsTakenAsItIs() {
		assertThat(LastEventIdHeader.decode("日本")).isEqualTo("日本");
	}

	@Test
	void anIdSurvivesTheRoundTrip() {
		for (String id : new String[] { "1", "日本", "a b", "é", "a😀z", "\u0085" }) {
			assertThat(LastEventIdHeader.decode(LastEventIdHeader.encode(id))).isEqualTo(id);
		}
	}

	private static String latin1(byte[] bytes) {
		return new String(bytes, StandardCharsets.ISO_8859_1);
	}

}
