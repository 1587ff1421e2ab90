package io.httpsentinel.sse;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static io.httpsentinel.sse.ChunkedParsing.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test per rule of the WHATWG "Interpreting an event stream" section. Every input is
 * also parsed split at every index (and every pair of indexes when short), one byte per
 * chunk, from {@code DataBuffer}s and from a direct buffer, with identical results; and
 * compared with the naive {@link ReferenceEventStream}.
 */
class SseParserTests {

	private static final Supplier<SseParser> PARSER = SseParser::new;

	@Test
	void lineEndingLf() {
		assertEvents("data: a\n\ndata: b\n\n", message("a"), message("b"));
	}

	@Test
	void lineEndingCrOnly() {
		assertEvents("data: a\rdata: b\r\rdata: c\r\r", message("a\nb"), message("c"));
	}

	@Test
	void lineEndingCrLf() {
		assertEvents("data: a\r\ndata: b\r\n\r\n", message("a\nb"));
	}

	@Test
	void mixedLineEndings() {
		assertEvents("data: a\rdata: b\ndata: c\r\n\n\r\n\rdata: d\r\r", message("a\nb\nc"), message("d"));
	}

	@Test
	void crLfSplitAcrossChunks() {
		SseParser parser = new SseParser();
		assertThat(parser.feed(utf8("data: a\r"), 0, 8)).isEmpty();
		// The LF completes the CRLF: it must not count as a blank line.
		assertThat(parser.feed(utf8("\ndata: b\r"), 0, 9)).isEmpty();
		assertThat(parser.feed(utf8("\n\r"), 0, 2)).containsExactly(message("a\nb"));
		assertThat(parser.feed(utf8("\n"), 0, 1)).isEmpty();
		assertThat(parser.feed(utf8("data: c\n\n"), 0, 9)).containsExactly(message("c"));
	}

	@Test
	void crAtChunkEndThenCrIsABlankLine() {
		SseParser parser = new SseParser();
		assertThat(parser.feed(utf8("data: a\r"), 0, 8)).isEmpty();
		assertThat(parser.feed(utf8("\r"), 0, 1)).containsExactly(message("a"));
	}

	@Test
	void eventDispatchedAsSoonAsItsBlankLineArrives() {
		SseParser parser = new SseParser();
		// Dispatch at the CR: waiting to see whether an LF follows would delay the event.
		assertThat(parser.feed(utf8("data: a\r\n\r"), 0, 10)).containsExactly(message("a"));
	}

	@Test
	void commentLineIgnored() {
		assertEvents(": hello\ndata: a\n:\n\n", message("a"));
	}

	@Test
	void commentOnlyBlockNotDispatched() {
		assertEvents(": ping\n\n:\n\n", new SseEvent[0]);
	}

	@Test
	void commentsKeptWhenAsked() {
		Supplier<SseParser> parsers = () -> new SseParser(SseLimits.DEFAULTS, false, true);
		List<SseEvent> events = ChunkedParsing.everySplit(utf8(":one\n:  two\ndata: a\n:\n\n: lone\n\n"), parsers)
			.events();
		assertThat(events).singleElement().satisfies((event) -> {
			assertThat(event.comments()).containsExactly("one", " two", "");
			assertThat(event.data()).isEqualTo("a");
		});
	}

	@Test
	void fieldWithoutColon() {
		// The whole line is the field name and the value is empty.
		assertEvents("data\n\ndata\ndata\n\n", message(""), message("\n"));
	}

	@Test
	void fieldWithoutColonForEveryField() {
		assertEvents("id: 1\ndata: a\n\nid\nevent\nretry\ndata: b\n\n", event("message", "a", "1", "1", null),
				event("message", "b", "", "", null));
	}

	@Test
	void onlyOneLeadingSpaceStripped() {
		assertEvents("data:  two spaces\n\ndata:\tno space stripped\n\n", message(" two spaces"),
				message("\tno space stripped"));
	}

	@Test
	void valueWithoutSpaceAfterColon() {
		assertEvents("data:a\n\n", message("a"));
	}

	@Test
	void trailingSpacesKept() {
		assertEvents("data: a  \n\n", message("a  "));
	}

	@Test
	void valueMayContainColons() {
		assertEvents("data: {\"a\":1}\n\ndata:: x\n\n", message("{\"a\":1}"), message(": x"));
	}

	@Test
	void dataLinesJoinedWithLfAndFinalLfRemoved() {
		assertEvents("data: a\ndata:\ndata: b\ndata\n\n", message("a\n\nb\n"));
	}

	@Test
	void emptyDataLineStillDispatches() {
		assertEvents("data:\n\n", message(""));
	}

	@Test
	void eventFieldSetsType() {
		assertEvents("event: delta\ndata: a\n\ndata: b\n\n", event("delta", "a", "", null, null), message("b"));
	}

	@Test
	void lastEventFieldWins() {
		assertEvents("event: one\nevent: two\ndata: a\n\n", event("two", "a", "", null, null));
	}

	@Test
	void emptyEventFieldMeansMessage() {
		assertEvents("event: x\nevent:\ndata: a\n\n", message("a"));
	}

	@Test
	void typeResetByBlockWithoutData() {
		assertEvents("event: x\n\ndata: a\n\n", message("a"));
	}

	@Test
	void fieldNamesAreCaseSensitive() {
		assertEvents("Data: a\nDATA: b\nEvent: x\ndata: c\n\n", message("c"));
	}

	@Test
	void spaceBeforeColonIsPartOfTheName() {
		assertEvents("data : a\ndata: b\n\n", message("b"));
	}

	@Test
	void unknownFieldsIgnored() {
		assertEvents("foo: bar\ndat: x\ndatas: y\nretryx: 5\nid2: 3\ndata: a\n\n", message("a"));
	}

	@Test
	void idSetsLastEventIdOfTheEvent() {
		assertEvents("id: 42\ndata: a\n\n", event("message", "a", "42", "42", null));
	}

	@Test
	void idPersistsToLaterEvents() {
		assertEvents("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n", event("message", "a", "1", "1", null),
				event("message", "b", "1", null, null), event("message", "c", "2", "2", null));
	}

	@Test
	void idWithNulIgnored() {
		assertEvents("id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n", event("message", "a", "1", "1", null),
				event("message", "b", "1", null, null));
	}

	@Test
	void emptyIdResetsLastEventId() {
		assertEvents("id: 1\ndata: a\n\nid:\ndata: b\n\n", event("message", "a", "1", "1", null),
				event("message", "b", "", "", null));
	}

	@Test
	void idOfBlockWithoutDataStillSetsLastEventId() {
		ChunkedParsing.Result result = ChunkedParsing.everySplit(utf8("id: 7\n\ndata: a\n\n"), PARSER);
		assertThat(result.events()).containsExactly(event("message", "a", "7", null, null));
		assertThat(ChunkedParsing.everySplit(utf8("data: a\n\nid: 8\n\n"), PARSER).lastEventId()).isEqualTo("8");
	}

	@Test
	void idOfUnterminatedBlockNotApplied() {
		ChunkedParsing.Result result = ChunkedParsing.everySplit(utf8("id: 1\ndata: a\n\nid: 2\ndata: b\n"), PARSER);
		assertThat(result.events()).containsExactly(event("message", "a", "1", "1", null));
		assertThat(result.lastEventId()).isEqualTo("1");
	}

	@Test
	void idIsNotTrimmed() {
		assertEvents("id:  x \ndata: a\n\n", event("message", "a", " x ", " x ", null));
	}

	@Test
	void retrySetsReconnectionTime() {
		ChunkedParsing.Result result = ChunkedParsing.everySplit(utf8("retry: 1500\ndata: a\n\n"), PARSER);
		assertThat(result.events()).containsExactly(event("message", "a", "", null, Duration.ofMillis(1500)));
		assertThat(result.reconnectionTime()).isEqualTo(Duration.ofMillis(1500));
	}

	@Test
	void retryNonDigitsIgnored() {
		for (String value : List.of("1a", "-1", "+1", "1.5", "1 ", "  1", "", "１", "0x10")) {
			ChunkedParsing.Result result = ChunkedParsing
				.everySplit(utf8("retry: 10\n\nretry:" + value + "\ndata: a\n\n"), PARSER);
			assertThat(result.events()).as(value).containsExactly(message("a"));
			assertThat(result.reconnectionTime()).as(value).isEqualTo(Duration.ofMillis(10));
		}
	}

	@Test
	void retryOfBlockWithoutDataStillApplies() {
		ChunkedParsing.Result result = ChunkedParsing.everySplit(utf8("retry: 3000\n\n"), PARSER);
		assertThat(result.events()).isEmpty();
		assertThat(result.reconnectionTime()).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void retryZeroAndLeadingZeros() {
		assertThat(ChunkedParsing.everySplit(utf8("retry: 0\n\n"), PARSER).reconnectionTime()).isEqualTo(Duration.ZERO);
		assertThat(ChunkedParsing.everySplit(utf8("retry: 007\n\n"), PARSER).reconnectionTime())
			.isEqualTo(Duration.ofMillis(7));
	}

	@Test
	void retryTooLargeSaturates() {
		assertThat(ChunkedParsing.everySplit(utf8("retry: 99999999999999999999999\n\n"), PARSER).reconnectionTime())
			.isEqualTo(Duration.ofMillis(Long.MAX_VALUE));
	}

	@Test
	void emptyDataNotDispatched() {
		assertEvents("event: x\n\nid: 1\n\nretry: 5\n\n: c\n\n\n\n\r\n\r", new SseEvent[0]);
	}

	@Test
	void blankLinesBetweenEventsDispatchNothing() {
		assertEvents("\n\n\ndata: a\n\n\n\n", message("a"));
	}

	@Test
	void unterminatedLastEventDiscarded() {
		assertEvents("data: a\n\ndata: b\n", message("a"));
		assertEvents("data: a\n\ndata: b", message("a"));
		assertEvents("data: a\n\ndata: b\r", message("a"));
	}

	@Test
	void bomStrippedOnce() {
		assertEvents("\uFEFFdata: a\n\n", message("a"));
		// A second BOM is a character of the first line: the field name is not "data".
		assertEvents("\uFEFF\uFEFFdata: a\n\ndata: b\n\n", message("b"));
	}

	@Test
	void bomOnlyAtStartOfStream() {
		assertEvents("data: a\n\n\uFEFFdata: b\n\n", message("a"));
		assertEvents("data: \uFEFFb\n\n", message("\uFEFFb"));
	}

	@Test
	void partialBomIsContent() {
		// EF BB followed by something else is not a BOM: the bytes are (invalid) text.
		assertEventBytes(hex("efbb") + "\ndata: a\n\n", message("a"));
		assertEventBytes(hex("efbb") + "data: a\n\n");
		assertEventBytes("data: " + hex("efbb") + "\n\n", message("\uFFFD"));
	}

	@Test
	void bomStrippedAgainAfterEndOfStream() {
		SseParser parser = new SseParser();
		byte[] stream = utf8("\uFEFFid: 1\ndata: a\n\n");
		assertThat(parser.feed(stream, 0, stream.length)).containsExactly(event("message", "a", "1", "1", null));
		parser.end();
		assertThat(parser.feed(stream, 0, 5)).isEmpty();
		assertThat(parser.feed(stream, 5, stream.length - 5)).containsExactly(event("message", "a", "1", "1", null));
	}

	@Test
	void lastEventIdAndRetryCarryOverToNextStream() {
		SseParser parser = new SseParser();
		byte[] first = utf8("retry: 50\nid: 1\ndata: a\n\nid: 2\ndata: cut");
		parser.feed(first, 0, first.length);
		parser.end();
		assertThat(parser.lastEventId()).isEqualTo("1");
		byte[] second = utf8("data: b\n\n");
		assertThat(parser.feed(second, 0, second.length)).containsExactly(event("message", "b", "1", null, null));
		assertThat(parser.reconnectionTime()).isEqualTo(Duration.ofMillis(50));
	}

	@Test
	void invalidUtf8BecomesReplacementChar() {
		// Maximal subparts: ED A0 80 is three errors (a surrogate), E1 80 one
		// (truncated),
		// C0 80 two (overlong), F5 one, a lone continuation one.
		assertEventBytes("data: " + hex("eda080") + "|" + hex("e180") + "|" + hex("c080") + "|" + hex("f5") + "|"
				+ hex("80") + "\n\n", message("\uFFFD\uFFFD\uFFFD|\uFFFD|\uFFFD\uFFFD|\uFFFD|\uFFFD"));
	}

	@Test
	void truncatedSequenceBeforeLineEndIsOneReplacementChar() {
		assertEventBytes("data: " + hex("f09f98") + "\ndata: " + hex("e2") + "\n\n", message("\uFFFD\n\uFFFD"));
	}

	@Test
	void invalidUtf8InFieldNameOrIdOrType() {
		assertEventBytes("d" + hex("ff") + "ta: x\nid: " + hex("ff") + "\nevent: " + hex("c3") + "\ndata: a\n\n",
				event("\uFFFD", "a", "\uFFFD", "\uFFFD", null));
	}

	@Test
	void multiByteCharSplitAcrossChunks() {
		// Every split point falls inside the 2-, 3- and 4-byte characters somewhere.
		assertEvents("event: é\nid: 中\ndata: 😀 é 中\n\n", event("é", "😀 é 中", "中", "中", null));
	}

	@Test
	void nulInDataAndTypeKept() {
		assertEvents("event: a\u0000b\ndata: x\u0000y\n\n", event("a\u0000b", "x\u0000y", "", null, null));
	}

	@Test
	void manyEventsInOneChunk() {
		StringBuilder stream = new StringBuilder();
		for (int i = 0; i < 1000; i++) {
			stream.append("data: ").append(i).append("\n\n");
		}
		SseParser parser = new SseParser();
		byte[] bytes = utf8(stream.toString());
		List<SseEvent> events = parser.feed(bytes, 0, bytes.length);
		assertThat(events).hasSize(1000);
		assertThat(events.get(999)).isEqualTo(message("999"));
	}

	@Test
	void longLinesAcrossChunks() {
		String data = "x".repeat(20_000) + "é" + "y".repeat(9_000);
		assertEvents("data: " + data + "\ndata: " + data + "\n\n", message(data + "\n" + data));
	}

	static void assertEvents(String stream, SseEvent... expected) {
		assertEventBytes(stream, expected);
	}

	/**
	 * Parse a stream given as text: UTF-8 encoded, except the characters made by
	 * {@link #hex}, which stand for single raw bytes.
	 */
	static void assertEventBytes(String stream, SseEvent... expected) {
		byte[] input = bytes(stream);
		ChunkedParsing.Result result = ChunkedParsing.everySplit(input, PARSER);
		assertThat(result.events()).containsExactly(expected);
		ReferenceEventStream.Result reference = ReferenceEventStream.parse(input);
		assertThat(result.events()).isEqualTo(reference.events());
		assertThat(result.lastEventId()).isEqualTo(reference.lastEventId());
		assertThat(result.reconnectionTime()).isEqualTo(reference.reconnectionTime());
	}

	// Raw bytes are written as private-use characters U+F780..U+F7FF, never used
	// otherwise.
	static String hex(String hex) {
		StringBuilder text = new StringBuilder();
		for (byte b : HexFormat.of().parseHex(hex)) {
			text.append((char) (0xF700 | (b & 0xFF)));
		}
		return text.toString();
	}

	private static byte[] bytes(String stream) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int i = 0; i < stream.length(); i++) {
			char c = stream.charAt(i);
			if (c >= 0xF700 && c <= 0xF7FF) {
				out.write(c & 0xFF);
			}
			else {
				int end = Character.isHighSurrogate(c) ? i + 2 : i + 1;
				out.writeBytes(utf8(stream.substring(i, end)));
				i = end - 1;
			}
		}
		return out.toByteArray();
	}

	static SseEvent message(String data) {
		return event(SseEvent.DEFAULT_TYPE, data, "", null, null);
	}

	static SseEvent event(String type, String data, String lastEventId, @Nullable String id, @Nullable Duration retry) {
		return new SseEvent(type, data, true, lastEventId, id, retry, List.of(), null);
	}

}
