package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SseWriter} and the {@link SseEvent} builder.
 */
class SseWriterTests {

	@Test
	void dataOnlyEvent() {
		assertThat(written(SseEvent.of("hello"))).isEqualTo("data: hello\n\n");
	}

	@Test
	void allFieldsInOrder() {
		SseEvent event = SseEvent.builder()
			.comment("note")
			.type("delta")
			.id("42")
			.retry(Duration.ofMillis(1500))
			.data("x")
			.build();
		assertThat(written(event)).isEqualTo(": note\nevent: delta\nid: 42\nretry: 1500\ndata: x\n\n");
	}

	@Test
	void lineEndsInDataBecomeSeparateDataLines() {
		assertThat(written(SseEvent.of("a\nb\rc\r\nd"))).isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
	}

	@Test
	void emptyLinesInDataAreWrittenWithoutSpace() {
		assertThat(written(SseEvent.of("\n\na\n"))).isEqualTo("data:\ndata:\ndata: a\ndata:\n\n");
		assertThat(written(SseEvent.of(""))).isEqualTo("data:\n\n");
	}

	@Test
	void leadingSpaceOfValueIsKept() {
		// The receiver strips the one space the writer adds, not the value's own.
		assertThat(written(SseEvent.of(" x"))).isEqualTo("data:  x\n\n");
		assertThat(parse(SseWriter.encode(SseEvent.of(" x"))).data()).isEqualTo(" x");
	}

	@Test
	void defaultTypeIsNotWritten() {
		assertThat(written(SseEvent.of("message", "a"))).isEqualTo("data: a\n\n");
		assertThat(SseEvent.builder().type("").data("a").build().type()).isEqualTo("message");
	}

	@Test
	void eventWithoutDataHasNoDataLine() {
		SseEvent idOnly = SseEvent.builder().id("7").build();
		assertThat(idOnly.hasData()).isFalse();
		assertThat(written(idOnly)).isEqualTo("id: 7\n\n");
	}

	@Test
	void emptyIdIsWritten() {
		assertThat(written(SseEvent.builder().id("").data("a").build())).isEqualTo("id:\ndata: a\n\n");
	}

	@Test
	void multiLineCommentsBecomeSeveralCommentLines() {
		assertThat(written(SseEvent.builder().comment("a\r\nb\rc\n").data("x").build()))
			.isEqualTo(": a\n: b\n: c\n:\ndata: x\n\n");
	}

	@Test
	void heartbeatComment() {
		assertThat(new String(SseWriter.comment("ping"), StandardCharsets.UTF_8)).isEqualTo(": ping\n\n");
		assertThat(new String(SseWriter.comment(""), StandardCharsets.UTF_8)).isEqualTo(":\n\n");
		assertThat(new String(SseWriter.comment("a\nb"), StandardCharsets.UTF_8)).isEqualTo(": a\n: b\n\n");
	}

	@Test
	void crLfOrNulInIdRejected() {
		for (String id : new String[] { "a\nb", "a\rb", "a\0b" }) {
			assertThatExceptionOfType(SseFramingException.class).isThrownBy(() -> SseEvent.builder().id(id).build())
				.satisfies((ex) -> assertThat(ex.field()).isEqualTo("id"))
				.withMessageStartingWith("SSE field 'id' must not contain");
		}
	}

	@Test
	void crLfOrNulInTypeRejected() {
		assertThatExceptionOfType(SseFramingException.class).isThrownBy(() -> SseEvent.of("a\nb", "x"))
			.withMessage("SSE field 'event' must not contain LF (at index 1)");
		assertThatExceptionOfType(SseFramingException.class).isThrownBy(() -> SseEvent.of("a\0", "x"))
			.withMessage("SSE field 'event' must not contain NUL (at index 1)");
	}

	@Test
	void parsedEventWithNulInTypeCannotBeWritten() {
		SseEvent parsed = parse(ChunkedParsing.utf8("event: a\0b\ndata: x\n\n"));
		assertThatExceptionOfType(SseFramingException.class).isThrownBy(() -> SseWriter.encode(parsed));
	}

	@Test
	void negativeRetryRejected() {
		assertThatExceptionOfType(SseFramingException.class)
			.isThrownBy(() -> SseEvent.builder().retry(Duration.ofMillis(-1)));
	}

	@Test
	void unicodeIsWrittenAsUtf8AndUnpairedSurrogateAsReplacementChar() {
		assertThat(SseWriter.encode(SseEvent.of("é中😀"))).isEqualTo("data: é中😀\n\n".getBytes(StandardCharsets.UTF_8));
		assertThat(written(SseEvent.of("a\uD800b"))).isEqualTo("data: a\uFFFDb\n\n");
	}

	@Test
	void encodeToDataBuffer() {
		DataBuffer buffer = SseWriter.encode(SseEvent.of("a"), DefaultDataBufferFactory.sharedInstance);
		assertThat(buffer.toString(StandardCharsets.UTF_8)).isEqualTo("data: a\n\n");
	}

	@Test
	void mutateKeepsFieldsAndDropsRawBytes() {
		SseParser parser = new SseParser(SseLimits.DEFAULTS, true, true);
		byte[] input = ChunkedParsing.utf8(": c\nevent: t\nid: 1\nretry: 5\ndata: a\n\n");
		SseEvent parsed = parser.feed(input, 0, input.length).get(0);
		SseEvent copy = parsed.mutate().data("b").build();
		assertThat(copy.raw()).isNull();
		assertThat(copy.type()).isEqualTo("t");
		assertThat(copy.id()).isEqualTo("1");
		assertThat(copy.lastEventId()).isEqualTo("1");
		assertThat(copy.retry()).isEqualTo(Duration.ofMillis(5));
		assertThat(copy.comments()).containsExactly("c");
		assertThat(written(copy)).isEqualTo(": c\nevent: t\nid: 1\nretry: 5\ndata: b\n\n");
	}

	@Test
	void roundTripOfOneEventWithEveryKindOfLineEnd() {
		SseEvent event = SseEvent.builder().type("t").id("i").data("a\r\n\rb\n").comment("x").build();
		SseParser parser = new SseParser(SseLimits.DEFAULTS, false, true);
		byte[] bytes = SseWriter.encode(event);
		assertThat(parser.feed(bytes, 0, bytes.length)).singleElement().satisfies((parsed) -> {
			assertThat(parsed.data()).isEqualTo("a\n\nb\n");
			assertThat(parsed.type()).isEqualTo("t");
			assertThat(parsed.id()).isEqualTo("i");
			assertThat(parsed.comments()).containsExactly("x");
		});
	}

	private static String written(SseEvent event) {
		return new String(SseWriter.encode(event), StandardCharsets.UTF_8);
	}

	private static SseEvent parse(byte[] bytes) {
		SseParser parser = new SseParser();
		return parser.feed(bytes, 0, bytes.length).get(0);
	}

}
