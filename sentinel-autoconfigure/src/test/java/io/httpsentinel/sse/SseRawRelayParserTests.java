package io.httpsentinel.sse;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static io.httpsentinel.sse.ChunkedParsing.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the parser of a relay without hooks ({@link SseParser#forRawRelay}): the same
 * blocks, ids, types and raw bytes as the {@link SseParser#forPassThrough pass-through}
 * parser, without the data text, which nothing reads there.
 */
class SseRawRelayParserTests {

	private static final String STREAM = "\uFEFFretry: 3000\n\n: heartbeat\n\nevent: a\r\ndata: x\r\ndata:\r\n\r\n"
			+ "id: 5\n\ndata: y\rdata: z\r\rid: 6\ndata\n\ndata: é\n\n: c\ndata: w\n\r\nid: 7\n\ndata: cut";

	@Test
	void returnsTheBlocksOfThePassThroughParserWithoutTheirData() {
		byte[] input = utf8(STREAM);
		Random random = new Random(7);
		for (int round = 0; round < 200; round++) {
			int[] chunks = chunks(input.length, random);
			List<SseEvent> passThrough = ChunkedParsing
				.parse(input, () -> SseParser.forPassThrough(SseLimits.DEFAULTS), chunks)
				.events();
			List<SseEvent> rawRelay = ChunkedParsing
				.parse(input, () -> SseParser.forRawRelay(SseLimits.DEFAULTS), chunks)
				.events();
			assertThat(rawRelay).hasSameSizeAs(passThrough);
			for (int i = 0; i < passThrough.size(); i++) {
				SseEvent expected = passThrough.get(i);
				SseEvent actual = rawRelay.get(i);
				assertThat(actual.hasData()).isEqualTo(expected.hasData());
				assertThat(actual.data()).isEmpty();
				assertThat(actual.type()).isEqualTo(expected.type());
				assertThat(actual.id()).isEqualTo(expected.id());
				assertThat(actual.lastEventId()).isEqualTo(expected.lastEventId());
				assertThat(actual.retry()).isEqualTo(expected.retry());
				assertThat(actual.comments()).isEqualTo(expected.comments());
				assertThat(bytes(actual.raw())).isEqualTo(bytes(expected.raw()));
			}
		}
	}

	@Test
	void anEmptyDataLineStillMakesAnEvent() {
		byte[] input = utf8("data:\n\nid: 1\n\ndata\n\n");
		List<SseEvent> blocks = ChunkedParsing.everySplit(input, () -> SseParser.forRawRelay(SseLimits.DEFAULTS))
			.events();
		assertThat(blocks).extracting(SseEvent::hasData).containsExactly(true, false, true);
	}

	@Test
	void relayWithoutHooksForwardsTheStreamUnchanged() {
		byte[] input = utf8(STREAM.substring(1, STREAM.lastIndexOf("data: cut")));
		EventRelay relay = new EventRelay(SseLimits.DEFAULTS, EventHooks.NONE, false, "");
		byte[] forwarded = relay
			.relay(org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance.wrap(input));
		assertThat(forwarded).isEqualTo(input);
		assertThat(relay.events()).isEqualTo(5);
		assertThat(relay.lastEventId()).isEqualTo("7");
	}

	private static int[] chunks(int length, Random random) {
		int[] sizes = new int[length];
		int count = 0;
		for (int left = length; left > 0;) {
			int size = Math.min(left, 1 + random.nextInt(12));
			sizes[count++] = size;
			left -= size;
		}
		return Arrays.copyOf(sizes, count);
	}

	private static byte[] bytes(ByteBuffer buffer) {
		if (buffer == null) {
			return null;
		}
		byte[] bytes = new byte[buffer.remaining()];
		buffer.duplicate().get(bytes);
		return bytes;
	}

}
