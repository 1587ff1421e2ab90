package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EventRelay}: what a forwarded stream sends for each upstream chunk, and what it
 * remembers for resuming.
 */
class EventRelayTests {

	@Test
	void passesBlocksThroughAsReceivedAndCountsEventsWithData() {
		EventRelay relay = EventRelay.create(SseLimits.DEFAULTS, EventHooks.NONE, false, "");
		assertThat(relay("id: 1\r\ndata: a\r\n\r\n: c\n\nretry: 5\n\ndata: b", relay))
			.isEqualTo("id: 1\r\ndata: a\r\n\r\n: c\n\nretry: 5\n\n");
		assertThat(relay.events()).isOne();
		assertThat(relay("\n\n", relay)).isEqualTo("data: b\n\n");
		assertThat(relay.lastEventId()).isEqualTo("1");
		assertThat(relay.reconnectionTime()).hasMillis(5);
	}

	@Test
	void aChunkWithoutACompleteBlockGivesNothing() {
		EventRelay relay = EventRelay.create(SseLimits.DEFAULTS, EventHooks.NONE, false, "");
		assertThat(relay("data: par", relay)).isNull();
		assertThat(relay.events()).isZero();
	}

	@Test
	void hooksSeeOnlyEventsWithDataAndTheirOutputIsWritten() {
		EventHooks hooks = EventHooks.NONE.map((event) -> event.mutate().data(event.data().toUpperCase()).build());
		EventRelay relay = EventRelay.create(SseLimits.DEFAULTS, hooks, false, "");
		assertThat(relay("id: 7\n\nid: 8\nevent: t\ndata: x\r\ndata: y\r\n\r\n", relay))
			.isEqualTo("id: 7\n\nevent: t\nid: 8\ndata: X\ndata: Y\n\n");
	}

	@Test
	void theInitialLastEventIdIsWhatHooksSeeAndWhatAResumeSends() {
		EventRelay relay = EventRelay.create(SseLimits.DEFAULTS,
				EventHooks.NONE.map((event) -> SseEvent.of(event.lastEventId())), false, "41");
		assertThat(relay.lastEventId()).isEqualTo("41");
		assertThat(relay("data: a\n\n", relay)).isEqualTo("data: 41\n\n");
	}

	@Test
	void afterAResumeReplayedBlocksAndTheBlocksWithoutIdAfterThemAreSkipped() {
		EventRelay relay = EventRelay.create(SseLimits.DEFAULTS, EventHooks.NONE, true, "");
		relay("id: 1\ndata: a\n\ndata: a2\n\nid: 2\ndata: b\n\n", relay);
		relay.connectionEnded();
		relay.resumed();
		assertThat(relay("id: 1\ndata: a\n\ndata: a2\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\ndata: c2\n\n", relay))
			.isEqualTo("id: 3\ndata: c\n\ndata: c2\n\n");
		assertThat(relay.events()).isEqualTo(2);
		assertThat(relay.lastEventId()).isEqualTo("3");
	}

	@Test
	void eventsWithoutIdAfterTheLastIdMakeTheStreamNotResumable() {
		EventRelay relay = EventRelay.create(SseLimits.DEFAULTS, EventHooks.NONE, true, "");
		assertThat(relay.resumable()).isTrue();
		relay("id: 1\ndata: a\n\n", relay);
		assertThat(relay.resumable()).isTrue();
		relay("data: b\n\n", relay);
		assertThat(relay.resumable()).isFalse();
		relay("id: 2\n\n", relay);
		assertThat(relay.resumable()).isTrue();
	}

	@Test
	void remembersABoundedNumberOfIds() {
		EventRelay relay = EventRelay.create(SseLimits.DEFAULTS, EventHooks.NONE, true, "");
		StringBuilder stream = new StringBuilder();
		for (int i = 0; i < ReplayFilter.REMEMBERED_IDS + 10; i++) {
			stream.append("id: ").append(i).append("\ndata: x\n\n");
		}
		relay(stream.toString(), relay);
		relay.connectionEnded();
		relay.resumed();
		// The oldest ids are forgotten: a replay that old is forwarded again.
		assertThat(relay("id: 0\ndata: x\n\n", relay)).isNotNull();
		assertThat(relay("id: " + (ReplayFilter.REMEMBERED_IDS + 9) + "\ndata: x\n\n", relay)).isNull();
	}

	@Test
	void aFailingHookKeepsTheEventsBeforeIt() {
		EventRelay relay = EventRelay.create(SseLimits.DEFAULTS, EventHooks.NONE.map((event) -> {
			if (event.data().equals("bad")) {
				throw new IllegalStateException("boom");
			}
			return event;
		}), false, "");
		assertThat(relay("data: good\n\ndata: bad\n\ndata: after\n\n", relay)).isEqualTo("data: good\n\n");
		assertThat(relay.takeFailure()).hasMessage("boom");
		assertThat(relay.takeFailure()).isNull();
	}

	@Test
	void forwardsSlicesOfTheUpstreamsBuffersAndReleasesEveryOne() {
		String stream = "\uFEFFid: 1\ndata: a\n\n\n: c\r\n\r\nretry: 5\r\rdata: é\ndata: b\n\nid: 2\ndata: c\n\n";
		byte[] input = stream.getBytes(StandardCharsets.UTF_8);
		Random random = new Random(11);
		for (int round = 0; round < 300; round++) {
			int[] sizes = chunkSizes(input.length, random);
			// The bytes of every block the pass-through parser returns: the stream
			// without its byte order mark, the blank line between blocks, and the LF of
			// a CRLF blank line when it arrives in the next chunk.
			StringBuilder expected = new StringBuilder();
			ChunkedParsing.parse(input, () -> SseParser.forPassThrough(SseLimits.DEFAULTS), sizes)
				.events()
				.forEach((block) -> expected.append(StandardCharsets.UTF_8.decode(block.raw())));
			EventRelay relay = EventRelay.create(SseLimits.DEFAULTS, EventHooks.NONE, false, "");
			List<ByteBuf> chunks = new ArrayList<>();
			StringBuilder forwarded = new StringBuilder();
			int events = 0;
			for (int offset = 0, i = 0; offset < input.length; i++) {
				int size = sizes[i];
				ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(size).writeBytes(input, offset, size);
				chunks.add(chunk);
				ByteBuf out = relay.relay(new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT).wrap(chunk));
				events += relay.events();
				if (out != null) {
					assertThat(out.isDirect()).isTrue();
					forwarded.append(out.toString(StandardCharsets.UTF_8));
					out.release();
				}
				offset += size;
			}
			relay.connectionEnded();
			assertThat(escaped(forwarded.toString())).isEqualTo(escaped(expected.toString()));
			assertThat(events).isEqualTo(3);
			assertThat(chunks).allSatisfy((chunk) -> assertThat(chunk.refCnt()).isZero());
		}
	}

	@Test
	void releasesAPartialBlockWhenTheStreamCloses() {
		EventRelay relay = EventRelay.create(SseLimits.DEFAULTS, EventHooks.NONE, false, "");
		ByteBuf first = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(utf8("data: a\n\ndata: "));
		ByteBuf out = relay.relay(new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT).wrap(first));
		assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("data: a\n\n");
		out.release();
		// The partial block keeps the chunk.
		assertThat(first.refCnt()).isOne();
		relay.release();
		assertThat(first.refCnt()).isZero();
	}

	@Test
	void mergesAPartialBlockThatArrivesInManySmallReads() {
		EventRelay relay = EventRelay.create(SseLimits.DEFAULTS, EventHooks.NONE, false, "");
		List<ByteBuf> reads = new ArrayList<>();
		String event = "data: " + "x".repeat(40) + "\n\n";
		for (char c : event.substring(0, event.length() - 1).toCharArray()) {
			ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(1).writeByte(c);
			reads.add(read);
			assertThat(relay.relay(new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT).wrap(read))).isNull();
		}
		// Merged as they come: not one buffer held per read.
		assertThat(reads).filteredOn((read) -> read.refCnt() > 0).hasSizeLessThanOrEqualTo(HeldChunks.MAX_CHUNKS + 1);
		ByteBuf out = relay.relay(DefaultDataBufferFactory.sharedInstance.wrap(utf8("\n")));
		assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(event);
		out.release();
		relay.release();
		assertThat(reads).allSatisfy((read) -> assertThat(read.refCnt()).isZero());
	}

	@Test
	void aLargeEventInTinyReadsIsForwardedWholeWithFewReadsHeldAtOnce() {
		EventRelay relay = EventRelay.create(SseLimits.DEFAULTS, EventHooks.NONE, false, "");
		String event = "id: 9\ndata: " + "y".repeat(20_000) + "\n\n";
		byte[] bytes = utf8(event + "data: next");
		List<ByteBuf> reads = new ArrayList<>();
		StringBuilder forwarded = new StringBuilder();
		for (int offset = 0; offset < bytes.length; offset += 5) {
			int size = Math.min(5, bytes.length - offset);
			ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(size).writeBytes(bytes, offset, size);
			reads.add(read);
			ByteBuf out = relay.relay(new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT).wrap(read));
			if (out != null) {
				forwarded.append(out.toString(StandardCharsets.UTF_8));
				out.release();
			}
			assertThat(reads).filteredOn((held) -> held.refCnt() > 0)
				.hasSizeLessThanOrEqualTo(HeldChunks.MAX_CHUNKS + 1);
		}
		assertThat(forwarded.toString()).isEqualTo(event);
		assertThat(relay.lastEventId()).isEqualTo("9");
		relay.release();
		assertThat(reads).allSatisfy((read) -> assertThat(read.refCnt()).isZero());
	}

	private static int[] chunkSizes(int length, Random random) {
		List<Integer> sizes = new ArrayList<>();
		for (int left = length; left > 0;) {
			int size = Math.min(left, 1 + random.nextInt(10));
			sizes.add(size);
			left -= size;
		}
		return sizes.stream().mapToInt(Integer::intValue).toArray();
	}

	private static String escaped(String text) {
		return text.replace("\r", "\\r").replace("\n", "\\n");
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static @Nullable String relay(String chunk, EventRelay relay) {
		ByteBuf bytes = relay
			.relay(DefaultDataBufferFactory.sharedInstance.wrap(chunk.getBytes(StandardCharsets.UTF_8)));
		if (bytes == null) {
			return null;
		}
		String text = bytes.toString(StandardCharsets.UTF_8);
		bytes.release();
		return text;
	}

}
