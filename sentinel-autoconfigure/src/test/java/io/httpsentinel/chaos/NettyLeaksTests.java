package io.httpsentinel.chaos;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that {@link NettyLeaks} sees a leak, so that the suite's "0 leaks" can fail.
 */
class NettyLeaksTests {

	@Test
	void bufferNeverReleasedIsReported() {
		try (NettyLeaks leaks = NettyLeaks.watch()) {
			leakOne();
			assertThat(leaks.reports()).anySatisfy((report) -> assertThat(report).contains("LEAK"));
		}
	}

	@Test
	void releasedBuffersAreNotReported() {
		try (NettyLeaks leaks = NettyLeaks.watch()) {
			PooledByteBufAllocator.DEFAULT.buffer(64).writeLong(1).release();
			assertThat(leaks.reports()).isEmpty();
		}
	}

	private static void leakOne() {
		ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(64);
		leaked.writeLong(42);
	}

}
