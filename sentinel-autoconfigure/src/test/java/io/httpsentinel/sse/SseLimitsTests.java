package io.httpsentinel.sse;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import io.httpsentinel.InvalidSettingException;

import static io.httpsentinel.sse.ChunkedParsing.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the bounds of {@link SseParser}: a line or event over its limit fails with a
 * typed error naming the limit, after at most the limit was buffered.
 */
class SseLimitsTests {

	private static final SseLimits SMALL = new SseLimits(DataSize.ofBytes(20), DataSize.ofBytes(50));

	@Test
	void defaults() {
		assertThat(SseLimits.DEFAULTS.maxLineSize()).isEqualTo(DataSize.ofMegabytes(1));
		assertThat(SseLimits.DEFAULTS.maxEventSize()).isEqualTo(DataSize.ofMegabytes(1));
	}

	@Test
	void limitsMustBePositive() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> new SseLimits(DataSize.ofBytes(0), DataSize.ofBytes(1)))
			.satisfies((ex) -> assertThat(ex.key()).isEqualTo("sse.max-line-size"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> new SseLimits(DataSize.ofBytes(1), DataSize.ofBytes(-1)))
			.satisfies((ex) -> assertThat(ex.key()).isEqualTo("sse.max-event-size"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> new SseLimits(DataSize.ofBytes(1), DataSize.ofGigabytes(4)));
	}

	@Test
	void lineAtTheLimitIsAccepted() {
		byte[] input = utf8("data: " + "x".repeat(14) + "\n\n");
		assertThat(parser().feed(input, 0, input.length)).hasSize(1);
	}

	@Test
	void lineOverTheLimitFails() {
		byte[] input = utf8("data: " + "x".repeat(15) + "\n\n");
		assertThatExceptionOfType(SseLimitExceededException.class)
			.isThrownBy(() -> parser().feed(input, 0, input.length))
			.withMessage("SSE line exceeds sse.max-line-size (20B)")
			.satisfies((ex) -> {
				assertThat(ex.limitKey()).isEqualTo(SseLimits.MAX_LINE_SIZE_KEY);
				assertThat(ex.limit()).isEqualTo(DataSize.ofBytes(20));
			});
	}

	@Test
	void lineWithoutEndFailsAsSoonAsItIsTooLong() {
		SseParser parser = parser();
		byte[] chunk = utf8("x".repeat(10));
		parser.feed(chunk, 0, chunk.length);
		parser.feed(chunk, 0, chunk.length);
		assertThatExceptionOfType(SseLimitExceededException.class).isThrownBy(() -> parser.feed(chunk, 0, 1));
	}

	@Test
	void eventAtTheLimitIsAccepted() {
		// 16 + 16 + 18 bytes; the blank line does not count.
		byte[] exact = utf8("data: 123456789\ndata: 123456789\ndata: 12345678901\n\r\n");
		assertThat(parser().feed(exact, 0, exact.length)).hasSize(1);
	}

	@Test
	void eventOverTheLimitFails() {
		byte[] input = utf8("data: 123456789\ndata: 123456789\ndata: 123456789012\n\n");
		assertThatExceptionOfType(SseLimitExceededException.class)
			.isThrownBy(() -> parser().feed(input, 0, input.length))
			.withMessage("SSE event exceeds sse.max-event-size (50B)")
			.satisfies((ex) -> assertThat(ex.limitKey()).isEqualTo(SseLimits.MAX_EVENT_SIZE_KEY));
	}

	@Test
	void endlessCommentsWithoutBlankLineFail() {
		SseParser parser = parser();
		byte[] comment = utf8(": keep-alive\n");
		assertThatExceptionOfType(SseLimitExceededException.class).isThrownBy(() -> {
			for (int i = 0; i < 100; i++) {
				parser.feed(comment, 0, comment.length);
			}
		}).withMessageContaining("sse.max-event-size");
	}

	@Test
	void endlessHeartbeatBlocksAreFine() {
		SseParser parser = parser();
		byte[] heartbeat = SseWriter.comment("keep-alive");
		for (int i = 0; i < 10_000; i++) {
			assertThat(parser.feed(heartbeat, 0, heartbeat.length)).isEmpty();
		}
	}

	@Test
	void endlessLinesWithoutBlankLineFailWithBoundedMemory() {
		SseParser parser = new SseParser(SseLimits.DEFAULTS, true, true);
		byte[] chunk = utf8(("data: " + "x".repeat(1000) + "\n").repeat(64));
		long fed = 0;
		try {
			while (fed < 100L * 1024 * 1024) {
				parser.feed(chunk, 0, chunk.length);
				fed += chunk.length;
			}
		}
		catch (SseLimitExceededException ex) {
			assertThat(ex.limitKey()).isEqualTo(SseLimits.MAX_EVENT_SIZE_KEY);
		}
		assertThat(fed).isLessThanOrEqualTo(DataSize.ofMegabytes(1).toBytes());
	}

	@Test
	void eventsBeforeTheOverflowInTheSameChunkAreDeliveredFirst() {
		SseParser parser = parser();
		byte[] input = utf8("data: a\n\ndata: b\n\n" + "x".repeat(30));
		assertThat(parser.feed(input, 0, input.length)).extracting(SseEvent::data).containsExactly("a", "b");
		byte[] more = utf8("data: c\n\n");
		assertThatExceptionOfType(SseLimitExceededException.class).isThrownBy(() -> parser.feed(more, 0, more.length));
		assertThatExceptionOfType(SseLimitExceededException.class).isThrownBy(parser::end);
		// After end() the parser takes a new stream.
		assertThat(parser.feed(more, 0, more.length)).extracting(SseEvent::data).containsExactly("c");
	}

	@Test
	void pendingOverflowIsThrownAtEndOfStream() {
		SseParser parser = parser();
		byte[] input = utf8("data: a\n\n" + "x".repeat(30));
		assertThat(parser.feed(input, 0, input.length)).hasSize(1);
		assertThatExceptionOfType(SseLimitExceededException.class).isThrownBy(parser::end);
	}

	@Test
	void limitOfOneKilobyteIsReadable() {
		SseLimits limits = new SseLimits(DataSize.ofKilobytes(1), DataSize.ofKilobytes(3));
		byte[] input = utf8("x".repeat(1025));
		assertThatExceptionOfType(SseLimitExceededException.class)
			.isThrownBy(() -> new SseParser(limits, false, false).feed(input, 0, input.length))
			.withMessage("SSE line exceeds sse.max-line-size (1KB)");
	}

	@Test
	void splitFeedingHitsTheSameLimits() {
		byte[] input = utf8("data: 123456789\ndata: 123456789\ndata: 123456789012\r\n\r\n");
		for (int split = 0; split <= input.length; split++) {
			SseParser parser = parser();
			int at = split;
			assertThatExceptionOfType(SseLimitExceededException.class).isThrownBy(() -> {
				List<SseEvent> events = parser.feed(input, 0, at);
				assertThat(events).isEmpty();
				parser.feed(input, at, input.length - at);
			});
		}
	}

	private static SseParser parser() {
		return new SseParser(SMALL, false, false);
	}

}
