package io.httpsentinel.benchmarks.whole;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import io.httpsentinel.benchmarks.sse.BenchUpstream;
import io.httpsentinel.benchmarks.sse.StreamReader;

/**
 * The benchmark's event-stream client: one connection per stream (no pool), one event
 * loop, each stream read by a {@link StreamReader}; records the time from a stream's
 * connection to its response headers.
 */
final class StreamClient implements AutoCloseable {

	private final LoopResources loops = LoopResources.create("bench-client", 1, true);

	private final HttpClient client = HttpClient.create(ConnectionProvider.newConnection()).runOn(this.loops);

	private final BenchUpstream upstream;

	StreamClient(BenchUpstream upstream) {
		this.upstream = upstream;
	}

	/**
	 * Streams opened together, closed together.
	 */
	final class Streams implements AutoCloseable {

		private final List<StreamReader> readers = new ArrayList<>();

		private final List<Disposable> connections = new ArrayList<>();

		private final AtomicLongArray headerNanos;

		private final AtomicLongArray sinceCallNanos;

		private Streams(int capacity) {
			this.headerNanos = new AtomicLongArray(capacity);
			this.sinceCallNanos = new AtomicLongArray(capacity);
		}

		/**
		 * Open a stream (asynchronously).
		 */
		void open(String url) {
			StreamReader reader = new StreamReader();
			int index = this.readers.size();
			this.readers.add(reader);
			// From the connection, not from the call: with thousands opened at once the
			// time the client's own event loop takes to get to each does not count.
			// Written and read on the stream's event loop.
			long called = System.nanoTime();
			long[] connected = new long[1];
			this.connections
				.add(StreamClient.this.client.doOnConnected((connection) -> connected[0] = System.nanoTime())
					.get()
					.uri(url)
					.response((response, body) -> {
						if (response.status().code() != 200) {
							return Flux.error(new IllegalStateException(url + " answered " + response.status()));
						}
						long now = System.nanoTime();
						this.headerNanos.set(index, now - connected[0]);
						this.sinceCallNanos.set(index, now - called);
						return body;
					})
					.subscribe(reader::feed, (error) -> reader.ended(), reader::ended));
		}

		List<StreamReader> readers() {
			return this.readers;
		}

		/**
		 * @return the number of streams whose headers arrived
		 */
		int withHeaders() {
			int count = 0;
			for (int i = 0; i < this.readers.size(); i++) {
				count += (this.headerNanos.get(i) > 0) ? 1 : 0;
			}
			return count;
		}

		/**
		 * @return each stream's time from request to headers, in ns, sorted
		 */
		long[] headerTimes() {
			return sorted(this.headerNanos);
		}

		/**
		 * @return each stream's time from the call that opened it to its headers, in ns,
		 * sorted (includes the time this client took to get to the stream)
		 */
		long[] headerTimesSinceCall() {
			return sorted(this.sinceCallNanos);
		}

		private long[] sorted(AtomicLongArray values) {
			long[] times = new long[this.readers.size()];
			for (int i = 0; i < times.length; i++) {
				times[i] = values.get(i);
			}
			Arrays.sort(times);
			return times;
		}

		long events() {
			return this.readers.stream().mapToLong(StreamReader::events).sum();
		}

		/**
		 * Wait until every stream received {@code events} events.
		 */
		void awaitEvents(long events, Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			for (StreamReader reader : this.readers) {
				while (reader.events() < events) {
					if (reader.hasEnded() || System.nanoTime() > deadline) {
						throw new IllegalStateException("A stream " + (reader.hasEnded() ? "ended" : "did not start")
								+ " (" + this.readers.stream().filter((r) -> r.events() >= events).count() + " of "
								+ this.readers.size() + " started)");
					}
					Thread.sleep(5);
				}
			}
		}

		/**
		 * Wait until every stream ended.
		 */
		void awaitEnd(Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (!this.readers.stream().allMatch(StreamReader::hasEnded) && System.nanoTime() < deadline) {
				Thread.sleep(50);
			}
		}

		void recording(boolean recording) {
			this.readers.forEach((reader) -> reader.recording(recording));
		}

		long[] latencies() {
			return this.readers.stream().flatMapToLong((reader) -> Arrays.stream(reader.latencies())).toArray();
		}

		long lost() {
			return this.readers.stream().mapToLong(StreamReader::lost).sum();
		}

		long duplicated() {
			return this.readers.stream().mapToLong(StreamReader::duplicated).sum();
		}

		/**
		 * Close every stream and wait until the upstream has no stream open, that is
		 * until the target closed its upstream connections too.
		 */
		@Override
		public void close() throws InterruptedException {
			this.connections.forEach(Disposable::dispose);
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (StreamClient.this.upstream.openStreams() > 0 && System.nanoTime() < deadline) {
				Thread.sleep(50);
			}
			if (StreamClient.this.upstream.openStreams() > 0) {
				System.out.printf("!! %d upstream streams still open 60 s after their clients closed%n",
						StreamClient.this.upstream.openStreams());
			}
		}

	}

	/**
	 * Streams to open, at most {@code capacity}.
	 */
	Streams streams(int capacity) {
		return new Streams(capacity);
	}

	@Override
	public void close() {
		this.loops.disposeLater().block(Duration.ofSeconds(5));
	}

}
