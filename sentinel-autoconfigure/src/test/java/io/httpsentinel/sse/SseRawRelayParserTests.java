package io.httpsentinel.sse;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static io.httpsentinel.sse.ChunkedParsing.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the parsing of a relay without hooks ({@link EventInterpreter} with a
 * {@link BlockRecorder}): the same blocks, ids, last event id and bytes as the
 * {@link SseParser#forPassThrough pass-through} parser, recorded as positions in the
 * stream instead of events.
 */
class SseRawRelayParserTests {

	private static final String STREAM = "\uFEFFretry: 3000\n\n: heartbeat\n\nevent: a\r\ndata: x\r\ndata:\r\n\r\n"
			+ "id: 5\n\ndata: y\rdata: z\r\rid: 6\ndata\n\ndata: é\n\n: c\ndata: w\n\r\nid: 7\n\ndata: cut";

	@Test
	void recordsTheBlocksOfThePassThroughParserWithWhereTheirBytesAre() {
		byte[] input = utf8(STREAM);
		Random random = new Random(7);
		for (int round = 0; round < 200; round++) {
			int[] chunks = chunks(input.length, random);
			boolean decodeIds = random.nextBoolean();
			ChunkedParsing.Result passThrough = ChunkedParsing.parse(input,
					() -> SseParser.forPassThrough(SseLimits.DEFAULTS), chunks);
			List<SseEvent> expected = passThrough.events();
			RawBlocks parser = new RawBlocks(decodeIds);
			int offset = 0;
			int index = 0;
			for (int size : chunks) {
				int count = parser.feed(Unpooled.wrappedBuffer(input, offset, size));
				for (int i = 0; i < count; i++, index++) {
					String description = "block " + index + " with chunks " + Arrays.toString(chunks);
					assertThat(index).as(description).isLessThan(expected.size());
					SseEvent block = expected.get(index);
					assertThat(parser.blocks.hasData(i)).as(description).isEqualTo(block.hasData());
					assertThat(parser.blocks.hasId(i)).as(description).isEqualTo(block.id() != null);
					assertThat(parser.blocks.id(i)).as(description).isEqualTo(decodeIds ? block.id() : null);
					assertThat(Arrays.copyOfRange(input, (int) parser.blocks.start(i), (int) parser.blocks.end(i)))
						.as(description)
						.isEqualTo(bytes(block.raw()));
				}
				offset += size;
				// Nothing before the pending start is part of a block still to come.
				assertThat(parser.stream.pendingStart()).isBetween(0L, (long) offset);
			}
			parser.stream.end();
			assertThat(index).isEqualTo(expected.size());
			assertThat(parser.stream.lastEventId()).isEqualTo(passThrough.lastEventId());
			assertThat(parser.stream.reconnectionTime()).isEqualTo(passThrough.reconnectionTime());
		}
	}

	@Test
	void theLastEventIdIsTheLastDispatchedOneNotTheOneOfTheBlockInProgress() {
		RawBlocks parser = new RawBlocks(false);
		assertThat(parser.feed(Unpooled.wrappedBuffer(utf8("id: 1\ndata: a\n\nid: 2\ndata: b\n")))).isOne();
		assertThat(parser.stream.lastEventId()).isEqualTo("1");
		assertThat(parser.feed(Unpooled.wrappedBuffer(utf8("\nid: é\n\n")))).isEqualTo(2);
		assertThat(parser.stream.lastEventId()).isEqualTo("é");
		parser.feed(Unpooled.wrappedBuffer(utf8("id: 4\ndata: cut")));
		parser.stream.end();
		assertThat(parser.stream.lastEventId()).isEqualTo("é");
	}

	@Test
	void theBlockInProgressStartsAtOrAfterThePendingStart() {
		byte[] input = utf8("\uFEFFdata: a\n\n\n\ndata: b\r");
		RawBlocks parser = new RawBlocks(false);
		parser.feed(Unpooled.wrappedBuffer(input, 0, 3));
		// After the byte order mark.
		assertThat(parser.stream.pendingStart()).isEqualTo(3);
		parser.feed(Unpooled.wrappedBuffer(input, 3, 6));
		assertThat(parser.stream.pendingStart()).isEqualTo(3);
		parser.feed(Unpooled.wrappedBuffer(input, 9, input.length - 9));
		// After the blank lines, at the block in progress ("data: b" ended by a CR).
		assertThat(parser.stream.pendingStart()).isEqualTo(input.length - 8);
	}

	@Test
	void anEmptyDataLineStillMakesAnEvent() {
		RawBlocks parser = new RawBlocks(false);
		assertThat(parser.feed(Unpooled.wrappedBuffer(utf8("data:\n\nid: 1\n\ndata\n\n")))).isEqualTo(3);
		assertThat(List.of(parser.blocks.hasData(0), parser.blocks.hasData(1), parser.blocks.hasData(2)))
			.containsExactly(true, false, true);
	}

	@Test
	void aChunkOfManyBlocksAfterAChunkOfOneRecordsThemAll() {
		// The recorder starts with room for one block (an idle stream's chunk) and grows.
		RawBlocks parser = new RawBlocks(true);
		assertThat(parser.feed(Unpooled.wrappedBuffer(utf8("id: 0\ndata: a\n\n")))).isOne();
		StringBuilder many = new StringBuilder();
		for (int i = 1; i <= 40; i++) {
			many.append("id: ").append(i).append("\ndata: ").append(i).append("\n\n");
		}
		byte[] input = utf8(many.toString());
		assertThat(parser.feed(Unpooled.wrappedBuffer(input))).isEqualTo(40);
		long start = 15;
		for (int i = 0; i < 40; i++) {
			assertThat(parser.blocks.id(i)).isEqualTo(Integer.toString(i + 1));
			assertThat(parser.blocks.hasData(i)).isTrue();
			assertThat(parser.blocks.start(i)).isEqualTo(start);
			start = parser.blocks.end(i);
		}
		assertThat(start).isEqualTo(15 + input.length);
	}

	@Test
	void relayWithoutHooksForwardsTheStreamUnchanged() {
		byte[] input = utf8(STREAM.substring(1, STREAM.lastIndexOf("data: cut")));
		EventRelay relay = EventRelay.create(SseLimits.DEFAULTS, EventHooks.NONE, false, "");
		ByteBuf forwarded = relay
			.relay(org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance.wrap(input));
		assertThat(ByteBufUtil.getBytes(forwarded)).isEqualTo(input);
		forwarded.release();
		assertThat(relay.events()).isEqualTo(5);
		assertThat(relay.lastEventId()).isEqualTo("7");
	}

	/**
	 * The interpreter and recorder of a {@link PassThroughRelay}, fed one chunk at a
	 * time.
	 */
	private static final class RawBlocks {

		final BlockRecorder blocks;

		final EventInterpreter stream;

		RawBlocks(boolean decodeIds) {
			this.blocks = new BlockRecorder(decodeIds);
			this.stream = new EventInterpreter(SseLimits.DEFAULTS, this.blocks);
		}

		int feed(ByteBuf chunk) {
			this.blocks.reset();
			this.stream.read(chunk, 0, 0);
			return this.blocks.count();
		}

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
