package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseDecoder}: events from a body of pooled Netty buffers, every buffer
 * released whether the stream completes, fails or is cancelled.
 */
class SseDecoderTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final NettyDataBufferFactory factory = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);

	private final List<ByteBuf> allocated = new ArrayList<>();

	@AfterEach
	void everyBufferReleased() {
		assertThat(this.allocated).allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());
	}

	@Test
	void decodesEventsSplitAcrossBuffers() {
		Flux<DataBuffer> body = Flux
			.fromIterable(buffers("id: 1\nda", "ta: ", "é\n", "\r", "\n", "data: b\r", "\n\r\ndata: unterminated"));
		StepVerifier.create(SseDecoder.decode(body, new SseParser())).assertNext((event) -> {
			assertThat(event.data()).isEqualTo("é");
			assertThat(event.lastEventId()).isEqualTo("1");
		}).assertNext((event) -> assertThat(event.data()).isEqualTo("b")).expectComplete().verify(TIMEOUT);
	}

	@Test
	void multiByteCharacterSplitBetweenBuffers() {
		byte[] bytes = "data: 😀\n\n".getBytes(StandardCharsets.UTF_8);
		List<DataBuffer> buffers = new ArrayList<>();
		for (byte b : bytes) {
			buffers.add(buffer(new byte[] { b }));
		}
		StepVerifier.create(SseDecoder.decode(Flux.fromIterable(buffers), new SseParser()))
			.assertNext((event) -> assertThat(event.data()).isEqualTo("😀"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void compositeBufferIsReadWhole() {
		DataBuffer joined = this.factory.join(buffers("data: a", "\n", "\ndata: b\n\n"));
		StepVerifier.create(SseDecoder.decode(Flux.just(joined), new SseParser()))
			.assertNext((event) -> assertThat(event.data()).isEqualTo("a"))
			.assertNext((event) -> assertThat(event.data()).isEqualTo("b"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void limitErrorReleasesEveryBuffer() {
		SseParser parser = new SseParser(new SseLimits(DataSize.ofBytes(64), DataSize.ofBytes(128)), false, false);
		List<DataBuffer> body = new ArrayList<>(buffers("data: a\n\n"));
		for (int i = 0; i < 40; i++) {
			body.addAll(buffers("x".repeat(10)));
		}
		StepVerifier.create(SseDecoder.decode(Flux.fromIterable(body), parser))
			.assertNext((event) -> assertThat(event.data()).isEqualTo("a"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(SseLimitExceededException.class)
				.hasMessage("SSE line exceeds sse.max-line-size (64B)"))
			.verify(TIMEOUT);
	}

	@Test
	void limitErrorAfterEventsOfTheSameBufferComesAfterThem() {
		SseParser parser = new SseParser(new SseLimits(DataSize.ofBytes(16), DataSize.ofBytes(64)), false, false);
		Flux<DataBuffer> body = Flux.fromIterable(buffers("data: a\n\ndata: b\n\n" + "y".repeat(20)));
		StepVerifier.create(SseDecoder.decode(body, parser))
			.expectNextCount(2)
			.expectError(SseLimitExceededException.class)
			.verify(TIMEOUT);
	}

	@Test
	void cancelReleasesQueuedBuffers() {
		List<DataBuffer> body = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			body.addAll(buffers("data: " + i + "\n\n"));
		}
		StepVerifier.create(SseDecoder.decode(Flux.fromIterable(body), new SseParser()), 2)
			.expectNextCount(2)
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void upstreamErrorReleasesBuffersAndPassesTheError() {
		IllegalStateException failure = new IllegalStateException("connection reset");
		Flux<DataBuffer> body = Flux.fromIterable(buffers("data: a\n\n", "data: b")).concatWith(Flux.error(failure));
		StepVerifier.create(SseDecoder.decode(body, new SseParser()))
			.assertNext((event) -> assertThat(event.data()).isEqualTo("a"))
			.expectErrorMatches((ex) -> ex == failure)
			.verify(TIMEOUT);
	}

	@Test
	void endOfBodyEndsTheParserStream() {
		SseParser parser = new SseParser();
		StepVerifier.create(SseDecoder.decode(Flux.fromIterable(buffers("id: 1\ndata: a\n\nid: 2\n")), parser))
			.expectNextCount(1)
			.expectComplete()
			.verify(TIMEOUT);
		// The unterminated id was discarded: a reconnection sends 1.
		assertThat(parser.lastEventId()).isEqualTo("1");
	}

	private List<DataBuffer> buffers(String... chunks) {
		List<DataBuffer> buffers = new ArrayList<>();
		for (String chunk : chunks) {
			buffers.add(buffer(chunk.getBytes(StandardCharsets.UTF_8)));
		}
		return buffers;
	}

	private DataBuffer buffer(byte[] bytes) {
		ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
		this.allocated.add(buf);
		return this.factory.wrap(buf);
	}

}
