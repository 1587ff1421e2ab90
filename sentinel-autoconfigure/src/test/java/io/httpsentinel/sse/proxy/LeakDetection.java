package io.httpsentinel.sse.proxy;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Netty's leak detector at {@code PARANOID} (every buffer tracked), with the leaks it
 * reports collected, for one test class: {@link #start()} before any buffer of the test
 * is allocated, {@link #stop()} after. A leak is reported once the leaked buffer was
 * garbage-collected and a later allocation polls the detector's queue, so
 * {@link #assertNoLeaks()} runs a few rounds of {@code System.gc()} and allocations
 * first.
 */
public final class LeakDetection {

	private static final int ROUNDS = 10;

	private final List<String> leaks = new CopyOnWriteArrayList<>();

	private ResourceLeakDetector.Level previous = ResourceLeakDetector.Level.SIMPLE;

	public void start() {
		this.previous = ResourceLeakDetector.getLevel();
		ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
		detector().setLeakListener((type, records) -> this.leaks.add(type + ": " + records));
	}

	public void stop() {
		detector().setLeakListener(null);
		ResourceLeakDetector.setLevel(this.previous);
	}

	public void assertNoLeaks() {
		for (int round = 0; round < ROUNDS && this.leaks.isEmpty(); round++) {
			System.gc();
			for (int i = 0; i < 1000; i++) {
				PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
			}
		}
		assertThat(this.leaks).as("buffers leaked").isEmpty();
	}

	@SuppressWarnings("unchecked")
	private static ResourceLeakDetector<ByteBuf> detector() {
		// The detector of every ByteBuf, pooled or not; it has no public accessor.
		Field field = ReflectionUtils.findField(AbstractByteBuf.class, "leakDetector");
		assertThat(field).as("AbstractByteBuf.leakDetector").isNotNull();
		ReflectionUtils.makeAccessible(field);
		return (ResourceLeakDetector<ByteBuf>) ReflectionUtils.getField(field, null);
	}

}
