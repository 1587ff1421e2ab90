package io.httpsentinel.chaos;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.slf4j.LoggerFactory;

/**
 * Turns Netty's leak detector to {@code PARANOID} (every buffer tracked) for a test and
 * records what it reports. Netty's detectors are created once per JVM and report through
 * their logger, so this listens on that logger rather than replacing the detectors. A
 * leak is reported only once the leaked buffer was garbage collected and a detector
 * tracks another buffer: {@link #reports()} makes both happen.
 */
final class NettyLeaks implements AutoCloseable {

	private static final int GC_ROUNDS = 5;

	private final List<String> reports = new CopyOnWriteArrayList<>();

	private final ResourceLeakDetector.Level previousLevel = ResourceLeakDetector.getLevel();

	private final Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);

	private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {

		@Override
		protected void append(ILoggingEvent event) {
			NettyLeaks.this.reports.add(event.getFormattedMessage());
		}

	};

	private NettyLeaks() {
		this.appender.setName("sentinel-chaos-leaks");
		this.appender.start();
		this.logger.addAppender(this.appender);
		ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
	}

	/**
	 * Start watching.
	 * @return the watcher, to close at the end of the test
	 */
	static NettyLeaks watch() {
		return new NettyLeaks();
	}

	/**
	 * Collect garbage and have the detectors look at it, then return every report so far.
	 * @return the leak reports, empty when nothing leaked
	 */
	List<String> reports() {
		for (int round = 0; round < GC_ROUNDS; round++) {
			System.gc();
			// Each tracked allocation makes the detector drain its queue of collected,
			// unreleased buffers.
			track(PooledByteBufAllocator.DEFAULT);
			track(UnpooledByteBufAllocator.DEFAULT);
		}
		return List.copyOf(this.reports);
	}

	private static void track(ByteBufAllocator allocator) {
		for (int i = 0; i < 64; i++) {
			allocator.buffer(16).release();
			allocator.directBuffer(16).release();
		}
	}

	@Override
	public void close() {
		ResourceLeakDetector.setLevel(this.previousLevel);
		this.logger.detachAppender(this.appender);
		this.appender.stop();
	}

}
