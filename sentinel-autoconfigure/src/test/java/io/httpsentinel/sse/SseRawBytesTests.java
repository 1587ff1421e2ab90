package io.httpsentinel.sse;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import static io.httpsentinel.sse.ChunkedParsing.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for the raw bytes an event keeps for pass-through forwarding.
 */
class SseRawBytesTests {

	private static final Supplier<SseParser> RAW = () -> new SseParser(SseLimits.DEFAULTS, true, false);

	private static final String[] BLOCKS = { ": heartbeat\n\n", "event: a\r\ndata: x\r\n\r\n", "id: 5\n\n",
			"data: y\rdata: z\r\r", ": c\ndata: é\n\n", "data: w\n\r\n", "data: cut" };

	// Indexes of the blocks that dispatch an event.
	private static final int[] DISPATCHED = { 1, 3, 4, 5 };

	@Test
	void rawOfEachEventIsItsExactInputSliceAtEverySplit() {
		byte[] bom = utf8("\uFEFF");
		byte[] input = concat(bom, utf8(String.join("", BLOCKS)));
		for (int split = 0; split <= input.length; split++) {
			List<SseEvent> events = ChunkedParsing.parse(input, RAW, new int[] { split, input.length - split })
				.events();
			assertThat(events).hasSize(DISPATCHED.length);
			int blockStart = bom.length;
			int eventIndex = 0;
			for (int block = 0; block < BLOCKS.length; block++) {
				byte[] slice = utf8(BLOCKS[block]);
				if (eventIndex < DISPATCHED.length && DISPATCHED[eventIndex] == block) {
					byte[] expected = slice;
					int end = blockStart + slice.length;
					if (split == end - 1 && BLOCKS[block].endsWith("\r\n")) {
						// Dispatched at the CR ending the chunk; its LF is dropped.
						expected = Arrays.copyOf(slice, slice.length - 1);
					}
					assertThat(bytes(events.get(eventIndex).raw())).as("event %d, split at %d", eventIndex, split)
						.isEqualTo(expected);
					eventIndex++;
				}
				blockStart += slice.length;
			}
		}
	}

	@Test
	void forwardedRawBytesOfAPassThroughParserReproduceTheStream() {
		byte[] input = utf8("retry: 3000\n\n" + String.join("", BLOCKS) + "id: 9\n\n");
		ChunkedParsing.Result original = ChunkedParsing.whole(input, SseParser::new);
		for (int[] chunks : new int[][] { { input.length }, ones(input.length) }) {
			List<SseEvent> blocks = ChunkedParsing
				.parse(input, () -> SseParser.forPassThrough(SseLimits.DEFAULTS), chunks)
				.events();
			assertThat(blocks).filteredOn(SseEvent::hasData).hasSize(original.events().size());
			ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
			blocks.forEach((event) -> forwarded.writeBytes(bytes(event.raw())));
			assertThat(ChunkedParsing.whole(forwarded.toByteArray(), SseParser::new)).isEqualTo(original);
		}
	}

	@Test
	void passThroughParserReturnsBlocksWithoutData() {
		byte[] input = utf8(": ping\n\nid: 5\n\n\n\nretry: 10\nevent: x\n\ndata: a\n\n");
		List<SseEvent> blocks = ChunkedParsing.everySplit(input, () -> SseParser.forPassThrough(SseLimits.DEFAULTS))
			.events();
		assertThat(blocks).extracting(SseEvent::hasData, SseEvent::comments, SseEvent::id, SseEvent::type)
			.containsExactly(tuple(false, List.of("ping"), null, "message"), tuple(false, List.of(), "5", "message"),
					tuple(false, List.of(), null, "x"), tuple(true, List.of(), null, "message"));
		assertThat(blocks.get(2).retry()).hasMillis(10);
		assertThat(blocks.get(3).lastEventId()).isEqualTo("5");
	}

	@Test
	void rawIsReadOnlyAndAbsentUnlessRetained() {
		byte[] input = utf8("data: a\n\n");
		SseEvent retained = RAW.get().feed(input, 0, input.length).get(0);
		assertThat(retained.raw().isReadOnly()).isTrue();
		assertThat(new SseParser().feed(input, 0, input.length).get(0).raw()).isNull();
	}

	@Test
	void rawIncludesLongLinesCarriedAcrossChunks() {
		String data = "x".repeat(30_000);
		byte[] input = utf8("data: " + data + "\n\n");
		List<SseEvent> events = ChunkedParsing.parse(input, RAW, new int[] { 100, 20_000, input.length - 20_100 })
			.events();
		assertThat(bytes(events.get(0).raw())).isEqualTo(input);
	}

	private static byte[] bytes(ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.remaining()];
		buffer.duplicate().get(bytes);
		return bytes;
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] result = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, result, first.length, second.length);
		return result;
	}

	private static int[] ones(int count) {
		int[] ones = new int[count];
		Arrays.fill(ones, 1);
		return ones;
	}

}
