package io.httpsentinel.sse.proxy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The streams a proxy has open: admits a new one within the limits (over all clients and
 * per client), gives its permits back when it ends, and at shutdown refuses new ones,
 * ends the open ones and lets the application wait for them.
 */
final class OpenStreams {

	private final int maxStreams;

	private final Duration shutdownRetry;

	private final AtomicInteger active = new AtomicInteger();

	private final Set<ProxyStream> open = ConcurrentHashMap.newKeySet();

	private final Object idle = new Object();

	private volatile boolean closing;

	/**
	 * Track streams under a limit over all clients.
	 * @param maxStreams the limit, or -1 for none
	 * @param shutdownRetry the reconnection time announced to the clients of streams
	 * ended by the shutdown, or {@link Duration#ZERO} for none
	 */
	OpenStreams(int maxStreams, Duration shutdownRetry) {
		this.maxStreams = maxStreams;
		this.shutdownRetry = shutdownRetry;
	}

	/**
	 * Take the permits of a new stream.
	 * @param client the client's statistics, which count its active streams
	 * @param clientMaxStreams the client's limit, or -1 for none
	 * @return why the stream is refused, or {@code null} if it holds its permits now
	 */
	@Nullable UpstreamRefusal admit(SseProxyStatistics client, int clientMaxStreams) {
		if (this.closing) {
			return UpstreamRefusal.shuttingDown();
		}
		if (!increment(this.active, this.maxStreams)) {
			return UpstreamRefusal.tooManyStreams();
		}
		if (!increment(client.active, clientMaxStreams)) {
			this.active.decrementAndGet();
			return UpstreamRefusal.tooManyStreams();
		}
		return null;
	}

	/**
	 * A stream admitted could not be created: give its permits back.
	 * @param client the client's statistics
	 */
	void notOpened(SseProxyStatistics client) {
		this.active.decrementAndGet();
		client.active.decrementAndGet();
	}

	/**
	 * A stream admitted started; it is ended at once if shutdown began meanwhile.
	 * @param stream the stream
	 */
	void opened(ProxyStream stream) {
		this.open.add(stream);
		stream.start();
		if (this.closing) {
			// Shutdown began while this stream was being opened.
			stream.shutdown(this.shutdownRetry);
		}
	}

	/**
	 * A stream ended: give its permits back.
	 * @param stream the stream
	 * @param client the client's statistics
	 */
	void ended(ProxyStream stream, SseProxyStatistics client) {
		this.open.remove(stream);
		this.active.decrementAndGet();
		client.active.decrementAndGet();
		if (this.closing && this.open.isEmpty()) {
			synchronized (this.idle) {
				this.idle.notifyAll();
			}
		}
	}

	/**
	 * Streams open now, over all clients.
	 * @return the number of streams
	 */
	int count() {
		return this.active.get();
	}

	/**
	 * Refuse new streams and end the open ones.
	 */
	void shutdown() {
		this.closing = true;
		for (ProxyStream stream : this.open) {
			stream.shutdown(this.shutdownRetry);
		}
	}

	/**
	 * Wait until every stream ended, after {@link #shutdown()}.
	 * @param timeout how long to wait at most
	 * @return whether every stream ended in time
	 * @throws InterruptedException if interrupted
	 */
	boolean awaitEnded(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.idle) {
			while (!this.open.isEmpty()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				this.idle.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
			}
			return true;
		}
	}

	private static boolean increment(AtomicInteger counter, int max) {
		for (;;) {
			int current = counter.get();
			if (max >= 0 && current >= max) {
				return false;
			}
			if (counter.compareAndSet(current, current + 1)) {
				return true;
			}
		}
	}

}
