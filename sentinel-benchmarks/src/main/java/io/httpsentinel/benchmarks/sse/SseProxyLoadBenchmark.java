package io.httpsentinel.benchmarks.sse;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import io.httpsentinel.benchmarks.LoadMachine;

/**
 * Load test of {@code SseProxy}, each figure compared in the same run with a baseline
 * controller that relays the upstream body as raw bytes (same app, same client, same
 * upstream): on WebFlux by default, see {@link SseBenchmarkApp}, or on Spring MVC with
 * {@code -Dstack=mvc}, see {@link SseMvcBenchmarkApp}:
 * <ol>
 * <li><strong>throughput</strong>: one stream at the highest rate TCP allows, 1 KiB
 * events: events per second and the app's CPU time per event (process CPU time / events
 * received), in alternating rounds;</li>
 * <li><strong>latency</strong>: 1,000 streams of 10 events/s of 256 B each: p50, p99 and
 * p99.9 of the time from the upstream making an event to the client receiving it, through
 * the proxy, the raw relay, and directly from the upstream (the difference is what the
 * hop adds);</li>
 * <li><strong>idle streams</strong>: 5,000 open streams without traffic: the app's heap
 * per stream (used heap after a full GC, with the streams open minus before).</li>
 * </ol>
 * Every event carries a sequence number; lost or duplicated events are counted throughout
 * and reported.
 * <p>
 * The app runs in a JVM of its own (a fresh one per phase, {@code -Xms1g -Xmx1g}), pinned
 * to CPU 0 with {@code taskset} when there are at least two CPUs, so that its CPU time is
 * its own and it cannot borrow the load generator's core; this process (upstream and
 * clients) pins itself to CPU 1. The latency phase runs the app with ZGC (see
 * {@link #main}). Run with {@code java -cp sentinel-benchmarks/target/benchmarks.jar
 * io.httpsentinel.benchmarks.sse.SseProxyLoadBenchmark}; system properties:
 * {@code -Dphases=throughput,latency,idle}, {@code -Dseconds=6} (measurement of one
 * throughput round, half a latency phase), {@code -Drounds=5} (throughput rounds),
 * {@code -Dstreams=1000}, {@code -Didle=5000}, {@code -DthroughputGc=},
 * {@code -DlatencyGc=-XX:+UseZGC}, {@code -DidleGc=} (the app's collector per phase),
 * {@code -DappJvmOptions=-Xlog:gc} (more app JVM options),
 * {@code -DappArguments=--sentinel.clients.upstream.sse.heartbeat=0} (app properties),
 * {@code -Djfr=app.jfr} (a Java Flight Recording of the app, one file per phase),
 * {@code -Dpin=false}, {@code -Dstack=mvc} (the Spring MVC app; its phases default to
 * throughput only), {@code -DmvcRaw=raw-restclient} (the MVC baseline relay, see
 * {@link SseMvcBenchmarkApp}).
 */
public final class SseProxyLoadBenchmark {

	private static final String[] RELAYS = { "raw", "proxy" };

	private AppProcess app;

	private final Stack stack;

	private final BenchUpstream upstream;

	private final LoopResources clientLoops = LoopResources.create("bench-client", 1, true);

	private final HttpClient client = HttpClient.create(ConnectionProvider.newConnection()).runOn(this.clientLoops);

	/** Share of a CPU the app used in the last latency phase. */
	private double appBusy;

	private long totalLost;

	private long totalDuplicated;

	private long totalEvents;

	private final boolean pin;

	private SseProxyLoadBenchmark(BenchUpstream upstream, boolean pin, Stack stack) {
		this.upstream = upstream;
		this.pin = pin;
		this.stack = stack;
	}

	public static void main(String[] args) throws Exception {
		boolean pin = Boolean.parseBoolean(System.getProperty("pin", "true"))
				&& Runtime.getRuntime().availableProcessors() >= 2 && new File("/usr/bin/taskset").canExecute();
		if (pin) {
			LoadMachine.pinThisProcessTo(1);
		}
		Stack stack = Stack.of(System.getProperty("stack", "webflux"));
		List<String> phases = List.of(System.getProperty("phases", stack.defaultPhases()).split(","));
		int seconds = Integer.getInteger("seconds", 6);
		System.out.printf(Locale.ROOT,
				"SseProxy load test on %s (raw relay /%s): %s; app %s; load average before: %s%n", stack.name(),
				stack.rawPath(), phases, pin ? "pinned to CPU 0, load generator to CPU 1" : "not pinned",
				LoadMachine.loadAverage());
		try (BenchUpstream upstream = new BenchUpstream()) {
			SseProxyLoadBenchmark test = new SseProxyLoadBenchmark(upstream, pin, stack);
			try {
				if (phases.contains("throughput")) {
					// The JVM's own choice on one CPU: the serial collector, the cheapest
					// in CPU.
					test.inApp("throughput", System.getProperty("throughputGc", ""), () -> test.throughput(seconds));
				}
				if (phases.contains("latency")) {
					// A latency-sensitive service runs a low-pause collector: with the
					// serial one,
					// a young collection stops every stream for 70-300 ms here, which
					// decides p99
					// for whichever relay happens to be running.
					test.inApp("latency", System.getProperty("latencyGc", "-XX:+UseZGC"),
							() -> test.latency(Integer.getInteger("streams", 1000), seconds));
				}
				if (phases.contains("idle")) {
					// One app per relay, so that neither measures what the other left
					// behind.
					int idle = Integer.getInteger("idle", 5000);
					System.out.printf(Locale.ROOT, "%n(3) %,d idle streams: app heap after a full GC%n", idle);
					double[] perStream = new double[RELAYS.length];
					for (int i = 0; i < RELAYS.length; i++) {
						String relay = RELAYS[i];
						int index = i;
						test.inApp("idle-" + relay, System.getProperty("idleGc", ""),
								() -> perStream[index] = test.idle(relay, idle));
					}
					double added = (perStream[1] - perStream[0]) / 1024;
					System.out.printf(Locale.ROOT,
							"heap per idle stream: raw %.1f KiB, proxy %.1f KiB; the proxy adds %.1f KiB (target <= 8 KiB)%n",
							perStream[0] / 1024, perStream[1] / 1024, added);
					target(stack, "(3) heap the proxy adds per idle stream",
							String.format(Locale.ROOT, "%.1f KiB", added), "<= 8 KiB", added <= 8);
				}
			}
			finally {
				test.clientLoops.disposeLater().block(Duration.ofSeconds(5));
			}
			System.out.printf(Locale.ROOT,
					"%nevents received in all: %,d; lost: %d; duplicated: %d; load average: %s%n", test.totalEvents,
					test.totalLost, test.totalDuplicated, LoadMachine.loadAverage());
		}
	}

	/**
	 * Run a phase against a fresh app process.
	 */
	private void inApp(String name, String gcOptions, Phase phase) throws Exception {
		String jfr = System.getProperty("jfr");
		try (AppProcess started = AppProcess.start(this.stack.app(), this.upstream.port(), this.pin, gcOptions,
				(jfr != null) ? jfr.replaceFirst("(\\.jfr)?$", "-" + name + ".jfr") : null)) {
			this.app = started;
			System.out.printf(Locale.ROOT, "[app JVM options for %s: -Xms1g -Xmx1g %s]%n", name, gcOptions);
			phase.run();
		}
	}

	@FunctionalInterface
	private interface Phase {

		void run() throws Exception;

	}

	// (1) One stream at the highest rate

	private void throughput(int seconds) throws Exception {
		System.out.printf(Locale.ROOT, "(1) one stream, 1 KiB events, as fast as TCP takes them; %d s per phase%n",
				seconds);
		for (String relay : RELAYS) {
			throughputPhase(relay, 3);
		}
		int rounds = Integer.getInteger("rounds", 5);
		double[][] cpuPerEvent = new double[2][rounds];
		double[][] rates = new double[2][rounds];
		System.out.println("round  relay   events/s   app CPU µs/event   app writes per 1,000 events");
		for (int round = 0; round < rounds; round++) {
			for (int i = 0; i < 2; i++) {
				// raw-proxy on even rounds, proxy-raw on odd ones: drift hits both alike.
				int relay = (round % 2 == 0) ? i : 1 - i;
				double[] result = throughputPhase(RELAYS[relay], seconds);
				rates[relay][round] = result[0];
				cpuPerEvent[relay][round] = result[1];
				System.out.printf(Locale.ROOT, "%5d  %-6s %10.0f %12.2f %17.1f%n", round + 1, RELAYS[relay], result[0],
						result[1], result[2]);
			}
		}
		double raw = median(cpuPerEvent[0]);
		double proxy = median(cpuPerEvent[1]);
		// Each round's two phases run back to back: their ratio is the least disturbed by
		// the machine's drift.
		double[] ratios = new double[rounds];
		for (int round = 0; round < rounds; round++) {
			ratios[round] = cpuPerEvent[1][round] / cpuPerEvent[0][round];
		}
		double ratio = median(ratios);
		System.out.printf(Locale.ROOT,
				"median: raw %.0f events/s, %.2f µs CPU/event; proxy %.0f events/s, %.2f µs CPU/event;"
						+ " proxy/raw CPU per event = %.2f, median of the rounds' ratios %.2f (target <= %.1f)%n",
				median(rates[0]), raw, median(rates[1]), proxy, proxy / raw, ratio, this.stack.cpuTarget());
		target(this.stack, "(1) proxy / raw CPU per event",
				String.format(Locale.ROOT, "%.2f (median of %d rounds' ratios)", ratio, rounds),
				String.format(Locale.ROOT, "<= %.1f", this.stack.cpuTarget()), ratio <= this.stack.cpuTarget());
	}

	/**
	 * @return events per second, app CPU µs per event, the app's write system calls per
	 * 1,000 events (its flushes, both connections together)
	 */
	private double[] throughputPhase(String relay, int seconds) throws Exception {
		StreamReader reader = new StreamReader();
		Disposable stream = open(this.stack.path(relay) + "/fast?size=1024", reader);
		try {
			awaitEvents(List.of(reader), 1, Duration.ofSeconds(10));
			// Let the stream reach its pace before measuring.
			Thread.sleep(500);
			long events = reader.events();
			long cpu = this.app.cpuNanos();
			long syscalls = this.app.writeSyscalls();
			long start = System.nanoTime();
			Thread.sleep(seconds * 1000L);
			long elapsed = System.nanoTime() - start;
			long cpuUsed = this.app.cpuNanos() - cpu;
			long syscallsAfter = this.app.writeSyscalls();
			long received = reader.events() - events;
			return new double[] { received * 1e9 / elapsed, cpuUsed / 1000.0 / received,
					(syscallsAfter - syscalls) * 1000.0 / received };
		}
		finally {
			stream.dispose();
			account(List.of(reader));
		}
	}

	// (2) Many paced streams: latency

	private void latency(int streams, int seconds) throws Exception {
		int measure = Math.max(10, seconds * 2);
		System.out.printf(Locale.ROOT,
				"(2) %,d streams x 10 events/s of 256 B; latency upstream -> client, %d s per phase%n", streams,
				measure);
		String[] order = { "direct", "raw", "proxy", "proxy", "raw", "direct" };
		List<List<long[]>> samples = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			samples.add(new ArrayList<>());
		}
		// Warm-up of both relays' paths on this kind of stream.
		latencyPhase("raw", streams / 2, 3);
		latencyPhase("proxy", streams / 2, 3);
		System.out.println("phase   relay   events       p50 µs    p99 µs  p99.9 µs   app CPU");
		for (int i = 0; i < order.length; i++) {
			long[] latencies = latencyPhase(order[i], streams, measure / 2);
			int index = List.of("direct", "raw", "proxy").indexOf(order[i]);
			samples.get(index).add(latencies);
			Arrays.sort(latencies);
			System.out.printf(Locale.ROOT, "%5d   %-6s %7d %12.0f %9.0f %9.0f %8.0f%%%n", i + 1, order[i],
					latencies.length, percentile(latencies, 0.5), percentile(latencies, 0.99),
					percentile(latencies, 0.999), this.appBusy * 100);
		}
		long[][] merged = new long[3][];
		for (int i = 0; i < 3; i++) {
			merged[i] = samples.get(i).stream().flatMapToLong(Arrays::stream).sorted().toArray();
		}
		System.out.println(
				"all     relay   events       p50 µs    p99 µs  p99.9 µs   added over direct: p50 / p99 / p99.9 µs");
		for (int i = 0; i < 3; i++) {
			String name = List.of("direct", "raw", "proxy").get(i);
			System.out.printf(Locale.ROOT, "        %-6s %7d %12.0f %9.0f %9.0f", name, merged[i].length,
					percentile(merged[i], 0.5), percentile(merged[i], 0.99), percentile(merged[i], 0.999));
			if (i > 0) {
				System.out.printf(Locale.ROOT, "   %+.0f / %+.0f / %+.0f",
						percentile(merged[i], 0.5) - percentile(merged[0], 0.5),
						percentile(merged[i], 0.99) - percentile(merged[0], 0.99),
						percentile(merged[i], 0.999) - percentile(merged[0], 0.999));
			}
			System.out.println();
		}
		System.out.printf(Locale.ROOT,
				"proxy adds %.0f µs at p99 over a direct connection, %+.0f µs over the raw relay"
						+ " (target: <= 1000 µs over direct)%n",
				percentile(merged[2], 0.99) - percentile(merged[0], 0.99),
				percentile(merged[2], 0.99) - percentile(merged[1], 0.99));
		double added = percentile(merged[2], 0.99) - percentile(merged[0], 0.99);
		target(this.stack, "(2) p99 the proxy adds over a direct connection",
				String.format(Locale.ROOT, "%.0f µs", added), "<= 1000 µs", added <= 1000);
	}

	/**
	 * Open the streams, let them run {@code seconds}, recording latencies after the first
	 * second, and close them.
	 * @return the latencies in ns
	 */
	private long[] latencyPhase(String relay, int streams, int seconds) throws Exception {
		List<StreamReader> readers = new ArrayList<>();
		List<Disposable> connections = new ArrayList<>();
		try {
			for (int i = 0; i < streams; i++) {
				StreamReader reader = new StreamReader();
				readers.add(reader);
				connections.add(open(relay.equals("direct") ? "paced?size=256&rate=10"
						: this.stack.path(relay) + "/paced?size=256&rate=10", reader, relay.equals("direct")));
			}
			awaitEvents(readers, 1, Duration.ofSeconds(30));
			Thread.sleep(1000);
			long cpu = this.app.cpuNanos();
			long start = System.nanoTime();
			readers.forEach((reader) -> reader.recording(true));
			Thread.sleep(seconds * 1000L);
			readers.forEach((reader) -> reader.recording(false));
			this.appBusy = (this.app.cpuNanos() - cpu) / (double) (System.nanoTime() - start);
			return readers.stream().flatMapToLong((reader) -> Arrays.stream(reader.latencies())).toArray();
		}
		finally {
			connections.forEach(Disposable::dispose);
			account(readers);
		}
	}

	// (3) Idle streams: heap

	/**
	 * Open the streams, measure the heap, close them, measure again once their
	 * connections are gone: the difference is what the open streams hold (after a
	 * warm-up, so that class loading and caches that are not per stream do not count).
	 * @return heap bytes per idle stream
	 */
	private double idle(String relay, int streams) throws Exception {
		openIdle(relay, streams / 5);
		long before = this.app.heap()[0];
		long open = openIdle(relay, streams);
		long after = this.app.heap()[0];
		double perStream = (open - after) / (double) streams;
		System.out.printf(Locale.ROOT,
				"%-6s heap before %,d KiB, with %,d streams open %,d KiB, after closing them %,d KiB:"
						+ " %.1f KiB per stream%n",
				relay, before / 1024, streams, open / 1024, after / 1024, perStream / 1024);
		return perStream;
	}

	/**
	 * Open idle streams, wait until each received its event, and close them.
	 * @return the heap used while they were open
	 */
	private long openIdle(String relay, int streams) throws Exception {
		List<StreamReader> readers = new ArrayList<>();
		List<Disposable> connections = new ArrayList<>();
		try {
			for (int i = 0; i < streams; i++) {
				StreamReader reader = new StreamReader();
				readers.add(reader);
				connections.add(open(this.stack.path(relay) + "/idle", reader));
				if (i % 500 == 499) {
					awaitEvents(readers, 1, Duration.ofSeconds(30));
				}
			}
			awaitEvents(readers, 1, Duration.ofSeconds(30));
			long heap = this.app.heap()[0];
			if (Boolean.getBoolean("histogram")) {
				System.out.println(this.app.histogram());
			}
			String open = this.app.streams();
			if (!open.startsWith(relay.equals("proxy") ? streams + " " + streams : "0 " + streams)) {
				throw new IllegalStateException("Expected " + streams + " streams open, app says " + open);
			}
			return heap;
		}
		finally {
			connections.forEach(Disposable::dispose);
			account(readers);
			this.app.awaitIdle();
		}
	}

	// Helpers

	private Disposable open(String path, StreamReader reader) {
		return open(path, reader, false);
	}

	private Disposable open(String path, StreamReader reader, boolean direct) {
		int port = direct ? this.upstream.port() : this.app.port();
		return this.client.get()
			.uri("http://127.0.0.1:" + port + "/" + path)
			.responseContent()
			.subscribe(reader::feed, (error) -> reader.ended(), reader::ended);
	}

	private static void awaitEvents(List<StreamReader> readers, long events, Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (StreamReader reader : readers) {
			while (reader.events() < events) {
				if (reader.hasEnded() || System.nanoTime() > deadline) {
					throw new IllegalStateException("A stream " + (reader.hasEnded() ? "ended" : "did not start") + " ("
							+ readers.stream().filter((r) -> r.events() >= events).count() + " of " + readers.size()
							+ " started)");
				}
				Thread.sleep(5);
			}
		}
	}

	private void account(List<StreamReader> readers) {
		for (StreamReader reader : readers) {
			this.totalEvents += reader.events();
			this.totalLost += reader.lost();
			this.totalDuplicated += reader.duplicated();
			if (reader.lost() > 0 || reader.duplicated() > 0) {
				System.out.printf(Locale.ROOT, "!! a stream lost %d and duplicated %d events%n", reader.lost(),
						reader.duplicated());
			}
		}
	}

	/**
	 * One summary line per target, easy to find in a long output.
	 */
	private static void target(Stack stack, String name, String value, String target, boolean met) {
		System.out.printf(Locale.ROOT, "TARGET [%s] %s: %s (target %s): %s%n", stack.name(), name, value, target,
				met ? "MET" : "MISSED");
	}

	/**
	 * The stack the app under test runs on.
	 *
	 * @param name {@code webflux} or {@code mvc}
	 * @param app the app's main class
	 * @param rawPath where the app serves the baseline relay
	 * @param cpuTarget the highest proxy / raw CPU per event that meets the target
	 * @param defaultPhases the phases run when none are given
	 */
	private record Stack(String name, Class<?> app, String rawPath, double cpuTarget, String defaultPhases) {

		static Stack of(String name) {
			return switch (name) {
				case "webflux" -> new Stack(name, SseBenchmarkApp.class, "raw", 1.2, "throughput,latency,idle");
				// The latency and idle parts need many streams at once, which the
				// blocking raw relay holds a thread each for: run them with
				// -DappArguments=--spring.threads.virtual.enabled=true.
				case "mvc" ->
					new Stack(name, SseMvcBenchmarkApp.class, System.getProperty("mvcRaw", "raw"), 1.3, "throughput");
				default -> throw new IllegalArgumentException("-Dstack must be webflux or mvc, not " + name);
			};
		}

		/**
		 * The app's path for a relay.
		 */
		String path(String relay) {
			return relay.equals("raw") ? this.rawPath : relay;
		}

	}

	private static double percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))] / 1000.0;
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

}
