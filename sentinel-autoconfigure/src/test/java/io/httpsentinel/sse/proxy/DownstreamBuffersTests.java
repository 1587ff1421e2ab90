package io.httpsentinel.sse.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link DownstreamBuffers}: a tracked slice of a shared upstream buffer tells
 * its byte count once, when its own last reference goes, whatever the count of the buffer
 * it was cut from.
 */
class DownstreamBuffersTests {

	private final List<Integer> released = new ArrayList<>();

	@Test
	void aSliceOfASharedReadIsReleasedWhenItsOwnLastReferenceGoes() {
		ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(64);
		read.writeBytes("data: one\n\ndata: two\n\n".getBytes(StandardCharsets.US_ASCII));
		// The upstream's chunks share the count of the read they were cut from.
		ByteBuf slice = read.retainedSlice(0, 11);
		DataBuffer tracked = DownstreamBuffers.track(slice, this.released::add);
		ByteBuf written = ((NettyDataBuffer) tracked).getNativeBuffer();
		assertThat(written.hasMemoryAddress()).as("written without a copy").isTrue();
		assertThat(written.toString(StandardCharsets.US_ASCII)).isEqualTo("data: one\n\n");
		// As an HTTP encoder does: retained for its output list, then released twice.
		written.retain();
		assertThat(written.release()).isFalse();
		assertThat(this.released).isEmpty();
		assertThat(written.release()).isTrue();
		assertThat(this.released).containsExactly(11);
		assertThat(read.refCnt()).isEqualTo(1);
		assertThatExceptionOfType(IllegalReferenceCountException.class).isThrownBy(written::release);
		assertThat(this.released).containsExactly(11);
		read.release();
	}

	@Test
	void aRetainedSliceOfATrackedBufferKeepsItsBytesHeldUntilReleased() {
		ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(16);
		chunk.writeBytes("data: x\n\n".getBytes(StandardCharsets.US_ASCII));
		ByteBuf written = ((NettyDataBuffer) DownstreamBuffers.track(chunk, this.released::add)).getNativeBuffer();
		ByteBuf part = written.readRetainedSlice(4);
		assertThat(written.release()).isFalse();
		assertThat(this.released).isEmpty();
		assertThat(part.toString(StandardCharsets.US_ASCII)).isEqualTo("data");
		assertThat(part.release()).isTrue();
		assertThat(this.released).containsExactly(9);
		assertThat(chunk.refCnt()).isZero();
	}

	@Test
	void buffersHandedOverTogetherAreOneWriteWithoutACopyReleasedAsOne() {
		ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(64);
		read.writeBytes("data: one\n\ndata: two\n\n".getBytes(StandardCharsets.US_ASCII));
		ByteBuf first = read.retainedSlice(0, 11);
		ArrayDeque<ByteBuf> rest = new ArrayDeque<>(List.of(read.retainedSlice(11, 11),
				Unpooled.wrappedBuffer(": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII))));
		ByteBuf written = ((NettyDataBuffer) DownstreamBuffers.track(first, rest, this.released::add))
			.getNativeBuffer();
		assertThat(rest).isEmpty();
		assertThat(written.toString(StandardCharsets.US_ASCII)).isEqualTo("data: one\n\ndata: two\n\n: heartbeat\n\n");
		assertThat(written.nioBufferCount()).as("no copy").isEqualTo(3);
		written.retain();
		assertThat(written.release()).isFalse();
		assertThat(this.released).isEmpty();
		assertThat(written.release()).isTrue();
		assertThat(this.released).containsExactly(35);
		assertThat(read.refCnt()).isEqualTo(1);
		read.release();
	}

}
