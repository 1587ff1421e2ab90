package io.httpsentinel.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds the same input to fresh parsers in many chunkings and checks that every chunking
 * gives the same result.
 */
final class ChunkedParsing {

	private ChunkedParsing() {
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static Result whole(byte[] input, Supplier<SseParser> parsers) {
		return parse(input, parsers, new int[] { input.length });
	}

	/**
	 * Parse the input whole, split at every index, split at every pair of indexes (short
	 * inputs), one byte per chunk, and through each feeding method; assert identical
	 * results (raw bytes aside: see {@link SseEvent#raw()}).
	 */
	static Result everySplit(byte[] input, Supplier<SseParser> parsers) {
		Result expected = whole(input, parsers);
		for (int i = 0; i <= input.length; i++) {
			assertSame(expected, parse(input, parsers, new int[] { i, input.length - i }), "split at " + i);
		}
		if (input.length <= 64) {
			for (int i = 0; i <= input.length; i++) {
				for (int j = i; j <= input.length; j++) {
					assertSame(expected, parse(input, parsers, new int[] { i, j - i, input.length - j }),
							"split at " + i + " and " + j);
				}
			}
		}
		int[] single = new int[input.length];
		Arrays.fill(single, 1);
		assertSame(expected, parse(input, parsers, single), "one byte per chunk");
		assertSame(expected, viaDataBuffers(input, parsers), "DataBuffer chunks");
		assertSame(expected, viaDirectBuffer(input, parsers), "direct ByteBuffer");
		assertSame(expected, viaNettyBuffers(input, parsers), "Netty buffers");
		return expected;
	}

	static Result randomChunks(byte[] input, Supplier<SseParser> parsers, Random random) {
		List<Integer> sizes = new ArrayList<>();
		int left = input.length;
		while (left > 0) {
			int size = Math.min(left, random.nextInt(3) == 0 ? 1 + random.nextInt(4) : 1 + random.nextInt(64));
			sizes.add(size);
			left -= size;
		}
		return parse(input, parsers, sizes.stream().mapToInt(Integer::intValue).toArray());
	}

	static Result parse(byte[] input, Supplier<SseParser> parsers, int[] chunkSizes) {
		SseParser parser = parsers.get();
		List<SseEvent> events = new ArrayList<>();
		int offset = 0;
		for (int size : chunkSizes) {
			events.addAll(parser.feed(input, offset, size));
			offset += size;
		}
		parser.end();
		return new Result(events, parser.lastEventId(), parser.reconnectionTime());
	}

	private static Result viaDataBuffers(byte[] input, Supplier<SseParser> parsers) {
		SseParser parser = parsers.get();
		List<SseEvent> events = new ArrayList<>();
		for (int i = 0; i < input.length; i += 7) {
			byte[] chunk = Arrays.copyOfRange(input, i, Math.min(input.length, i + 7));
			events.addAll(parser.feed(DefaultDataBufferFactory.sharedInstance.wrap(chunk)));
		}
		parser.end();
		return new Result(events, parser.lastEventId(), parser.reconnectionTime());
	}

	private static Result viaNettyBuffers(byte[] input, Supplier<SseParser> parsers) {
		SseParser parser = parsers.get();
		NettyDataBufferFactory factory = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);
		List<SseEvent> events = new ArrayList<>();
		boolean direct = false;
		for (int i = 0; i < input.length; i += 5) {
			int length = Math.min(5, input.length - i);
			ByteBuf buf = direct ? Unpooled.directBuffer(length + 2) : Unpooled.buffer(length + 2);
			buf.writeByte('x').writeBytes(input, i, length).readerIndex(1);
			events.addAll(parser.feed(factory.wrap(buf)));
			assertThat(buf.readerIndex()).isEqualTo(1);
			buf.release();
			direct = !direct;
		}
		parser.end();
		return new Result(events, parser.lastEventId(), parser.reconnectionTime());
	}

	private static Result viaDirectBuffer(byte[] input, Supplier<SseParser> parsers) {
		SseParser parser = parsers.get();
		ByteBuffer direct = ByteBuffer.allocateDirect(input.length + 3);
		direct.put(new byte[] { 'x', 'y', 'z' }).put(input).position(3);
		List<SseEvent> events = new ArrayList<>(parser.feed(direct));
		assertThat(direct.position()).isEqualTo(3);
		parser.end();
		return new Result(events, parser.lastEventId(), parser.reconnectionTime());
	}

	private static void assertSame(Result expected, Result actual, String chunking) {
		assertThat(actual.withoutRaw()).as(chunking).isEqualTo(expected.withoutRaw());
	}

	record Result(List<SseEvent> events, String lastEventId, @Nullable Duration reconnectionTime) {

		Result withoutRaw() {
			return new Result(this.events.stream().map(ChunkedParsing::withoutRaw).toList(), this.lastEventId,
					this.reconnectionTime);
		}

	}

	static SseEvent withoutRaw(SseEvent event) {
		return new SseEvent(event.type(), event.data(), event.hasData(), event.lastEventId(), event.id(), event.retry(),
				event.comments(), null);
	}

}
