package io.httpsentinel.benchmarks.whole;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.benchmarks.sse.StreamReader;

import static io.httpsentinel.benchmarks.whole.Report.format;
import static io.httpsentinel.benchmarks.whole.Report.median;
import static io.httpsentinel.benchmarks.whole.Report.percentile;
import static io.httpsentinel.benchmarks.whole.Report.ratio;

/**
 * The event-stream loads (1) one stream at the highest rate, (2) many paced streams and
 * (5) an upstream that drops the connection, each against every target in turn.
 */
final class StreamLoads {

	private final Settings settings;

	private final Map<String, Target> targets;

	private final StreamClient client;

	private final Report report;

	/**
	 * @param targets by column, in the order they run
	 */
	StreamLoads(Settings settings, Map<String, Target> targets, StreamClient client, Report report) {
		this.settings = settings;
		this.targets = targets;
		this.client = client;
		this.report = report;
	}

	// (1) One stream at the highest rate

	void throughput() throws Exception {
		int rounds = this.settings.throughputRounds();
		System.out.printf("%n(1) one stream, 1 KiB events, as fast as TCP takes them: %d rounds of %d s%n", rounds,
				this.settings.seconds());
		List<Target> order = new ArrayList<>(this.targets.values());
		order.removeIf((target) -> target.process() == null);
		for (Target target : order) {
			throughputPhase(target, Math.max(1, this.settings.seconds() / 2));
		}
		Map<String, double[]> cpu = new HashMap<>();
		Map<String, double[]> rates = new HashMap<>();
		Map<String, double[]> garbage = new HashMap<>();
		order.forEach((target) -> {
			cpu.put(target.column(), new double[rounds]);
			rates.put(target.column(), new double[rounds]);
			garbage.put(target.column(), new double[rounds]);
		});
		System.out.println("round  target       events/s   CPU µs/event   B/event");
		for (int round = 0; round < rounds; round++) {
			// Forwards on even rounds, backwards on odd ones: drift hits all alike.
			List<Target> thisRound = new ArrayList<>(order);
			if (round % 2 == 1) {
				Collections.reverse(thisRound);
			}
			for (Target target : thisRound) {
				double[] result = throughputPhase(target, this.settings.seconds());
				rates.get(target.column())[round] = result[0];
				cpu.get(target.column())[round] = result[1];
				garbage.get(target.column())[round] = result[2];
				System.out.printf("%5d  %-10s %10.0f %12.2f %9.0f%n", round + 1, target.column(), result[0], result[1],
						result[2]);
			}
		}
		String row = "1 stream at max rate, 1 KiB events: CPU µs/event (events/s)";
		for (Target target : order) {
			allocatedRow("1 stream at max rate, 1 KiB events: bytes allocated per event", target,
					median(garbage.get(target.column())));
			this.report.cell(row, target.column(), format("%.2f (%.0fk/s)", median(cpu.get(target.column())),
					median(rates.get(target.column())) / 1000));
		}
		if (cpu.containsKey("sentinel")) {
			double[] sentinel = cpu.get("sentinel");
			String cell = format("**%.2f** (%.0fk/s)", median(sentinel), median(rates.get("sentinel")) / 1000);
			List<String> ratios = new ArrayList<>();
			ratioTarget("relay", 1.15, sentinel, cpu, ratios, "(1) CPU per event, Sentinel / in-app relay");
			ratioTarget("nginx", 1.3, sentinel, cpu, ratios, "(1) CPU per event, Sentinel / nginx");
			ratioTarget("gateway", Double.NaN, sentinel, cpu, ratios, null);
			this.report.cell(row, "sentinel", cell + " " + String.join(", ", ratios));
		}
	}

	/**
	 * The median of the rounds' ratios Sentinel / peer, in the table and, with a bound,
	 * as a target.
	 */
	private void ratioTarget(String peer, double bound, double[] sentinel, Map<String, double[]> cpu,
			List<String> ratios, @Nullable String targetName) {
		double[] peerValues = cpu.get(peer);
		if (peerValues == null) {
			if (targetName != null) {
				this.report.notMeasured(targetName, peer + " not in this run");
			}
			return;
		}
		double[] perRound = new double[sentinel.length];
		for (int i = 0; i < perRound.length; i++) {
			perRound[i] = sentinel[i] / peerValues[i];
		}
		double ratio = median(perRound);
		ratios.add(format("%.2f× %s", ratio, peer));
		if (targetName != null) {
			this.report.target(targetName, format("%.2f (median of %d rounds' ratios)", ratio, perRound.length),
					format("<= %.2f", bound), ratio <= bound);
		}
	}

	/**
	 * The bytes a JVM target allocated per event, in the table (not for nginx).
	 */
	private void allocatedRow(String row, Target target, double perEvent) {
		if (perEvent >= 0) {
			this.report.cell(row, target.column(), format("%.0f B", perEvent));
		}
	}

	/**
	 * @return events per second, the target's CPU µs per event and the bytes it allocated
	 * per event (-1 when not a JVM)
	 */
	private double[] throughputPhase(Target target, int seconds) throws Exception {
		try (StreamClient.Streams streams = this.client.streams(1)) {
			streams.open(target.streamUrl("/fast?size=1024"));
			streams.awaitEvents(1, Duration.ofSeconds(30));
			// Let the stream reach its pace before measuring.
			Thread.sleep(500);
			JvmCounters allocated = new JvmCounters(target.requireProcess().pid());
			long bytes = allocated.allocatedBytes();
			long events = streams.events();
			long cpu = target.requireProcess().cpuNanos();
			long start = System.nanoTime();
			Thread.sleep(seconds * 1000L);
			long elapsed = System.nanoTime() - start;
			long cpuUsed = target.requireProcess().cpuNanos() - cpu;
			long received = streams.events() - events;
			long bytesAfter = allocated.allocatedBytes();
			check(target, streams.readers());
			return new double[] { received * 1e9 / elapsed, cpuUsed / 1000.0 / received,
					(bytes < 0 || bytesAfter < 0) ? -1 : (double) (bytesAfter - bytes) / received };
		}
	}

	// (2) Many paced streams

	void streams() throws Exception {
		int count = this.settings.streams();
		System.out.printf("%n(2) %,d streams x 10 events/s of 256 B: CPU per event, latency upstream -> client;"
				+ " two phases of %d s per target%n", count, this.settings.seconds());
		List<Target> order = new ArrayList<>(this.targets.values());
		for (Target target : order) {
			if (target.process() != null) {
				streamsPhase(target, count, 2, null);
			}
		}
		Map<String, List<long[]>> latencies = new LinkedHashMap<>();
		Map<String, long[]> cpuAndEvents = new HashMap<>();
		order.forEach((target) -> {
			latencies.put(target.column(), new ArrayList<>());
			cpuAndEvents.put(target.column(), new long[3]);
		});
		System.out.println("phase  target     events     p50 µs    p99 µs   CPU µs/event   B/event");
		for (int pass = 0; pass < 2; pass++) {
			List<Target> thisPass = new ArrayList<>(order);
			if (pass == 1) {
				Collections.reverse(thisPass);
			}
			for (Target target : thisPass) {
				long[] totals = cpuAndEvents.get(target.column());
				long[] sample = streamsPhase(target, count, this.settings.seconds(), totals);
				latencies.get(target.column()).add(sample);
				Arrays.sort(sample);
				System.out.printf("%5d  %-10s %7d %9.0f %9.0f %12.2f %9.0f%n", pass + 1, target.column(), sample.length,
						percentile(sample, 0.5) / 1000, percentile(sample, 0.99) / 1000,
						(totals[1] > 0) ? totals[0] / 1000.0 / totals[1] : Double.NaN, allocatedPerEvent(totals));
			}
		}
		Map<String, Double> cpu = new HashMap<>();
		Map<String, Double> p99 = new HashMap<>();
		for (Target target : order) {
			long[] all = latencies.get(target.column()).stream().flatMapToLong(Arrays::stream).sorted().toArray();
			long[] totals = cpuAndEvents.get(target.column());
			cpu.put(target.column(), (target.process() != null) ? totals[0] / 1000.0 / totals[1] : Double.NaN);
			p99.put(target.column(), percentile(all, 0.99) / 1000);
			this.report.cell(
					format("%,d streams × %d events/s, 256 B: latency p50 / p99 ms", count, this.settings.streamRate()),
					target.column(), format("%.2f / %.2f", percentile(all, 0.5) / 1e6, percentile(all, 0.99) / 1e6));
			allocatedRow(format("%,d streams × %d events/s, 256 B: bytes allocated per event", count,
					this.settings.streamRate()), target, allocatedPerEvent(totals));
		}
		String row = format("%,d streams × %d events/s, 256 B: CPU µs/event (added p99 over direct)", count,
				this.settings.streamRate());
		double direct = p99.getOrDefault("direct", Double.NaN);
		for (Target target : order) {
			if (target.process() != null) {
				String cell = format("%.1f (+%.2f ms)", cpu.get(target.column()),
						(p99.get(target.column()) - direct) / 1000);
				if (target.column().equals("sentinel")) {
					cell = "**" + cell.replace(" (", "** (") + " "
							+ ratio(cpu.get("sentinel"), cpu.getOrDefault("relay", Double.NaN), "relay") + ", "
							+ ratio(cpu.get("sentinel"), cpu.getOrDefault("gateway", Double.NaN), "gateway");
				}
				this.report.cell(row, target.column(), cell);
			}
		}
		if (cpu.containsKey("sentinel") && cpu.containsKey("relay")) {
			double ratio = cpu.get("sentinel") / cpu.get("relay");
			this.report.target("(2) CPU per event, Sentinel / in-app relay", format("%.2f", ratio), "<= 1.05",
					ratio <= 1.05);
			double added = p99.get("sentinel") - p99.get("relay");
			this.report.target("(2) added p99 over direct, Sentinel minus in-app relay",
					format("%+.0f µs (Sentinel +%.0f µs, relay +%.0f µs)", added, p99.get("sentinel") - direct,
							p99.get("relay") - direct),
					"<= +500 µs", added <= 500);
		}
		if (cpu.containsKey("sentinel") && cpu.containsKey("gateway")) {
			this.report.target(
					"(2) CPU per event, Sentinel / Spring Cloud Gateway", format("%.2f (%.1f vs %.1f µs)",
							cpu.get("sentinel") / cpu.get("gateway"), cpu.get("sentinel"), cpu.get("gateway")),
					"< 1", cpu.get("sentinel") < cpu.get("gateway"));
		}
	}

	/**
	 * Open the streams, let them run, recording latencies once a JVM target is over the
	 * opening (see {@link #settle}) and a second has passed, and close them.
	 * @param totals where to add the target's CPU ns, the events received while recording
	 * and the bytes it allocated (-1 once unknown), {@code null} for a warm-up
	 * @return the latencies in ns
	 */
	private long[] streamsPhase(Target target, int count, int seconds, long @Nullable [] totals) throws Exception {
		try (StreamClient.Streams streams = this.client.streams(count)) {
			for (int i = 0; i < count; i++) {
				streams.open(target.streamUrl("/paced?size=256&rate=" + this.settings.streamRate()));
			}
			streams.awaitEvents(1, Duration.ofSeconds(60));
			String settled = (totals != null && target.isJvm()) ? settle(target) : "";
			Thread.sleep(1000);
			JvmCounters allocated = (target.process() != null) ? new JvmCounters(target.process().pid()) : null;
			JvmCounters.GcPauses gcBefore = (allocated != null) ? allocated.gcPauses() : null;
			long bytes = (allocated != null) ? allocated.allocatedBytes() : -1;
			long events = streams.events();
			long cpu = (target.process() != null) ? target.process().cpuNanos() : 0;
			streams.recording(true);
			Thread.sleep(seconds * 1000L);
			streams.recording(false);
			if (totals != null) {
				totals[0] += (target.process() != null) ? target.process().cpuNanos() - cpu : 0;
				totals[1] += streams.events() - events;
				long bytesAfter = (allocated != null) ? allocated.allocatedBytes() : -1;
				// -1 once unknown (nginx, the upstream directly).
				totals[2] = (totals[2] < 0 || bytes < 0 || bytesAfter < 0) ? -1 : totals[2] + bytesAfter - bytes;
				JvmCounters.GcPauses gcAfter = (allocated != null) ? allocated.gcPauses() : null;
				if (gcAfter != null) {
					System.out.printf("       %-10s %s; GC pauses while recording: %s%n", target.column(), settled,
							gcAfter.since(gcBefore));
				}
			}
			check(target, streams.readers());
			return streams.latencies();
		}
	}

	/**
	 * Let a JVM target get over the opening of the streams before a phase's recording
	 * starts, the same way for every JVM target: wait until its JIT compilers are done
	 * with what the opening made hot (at most 30 s, see {@link JitCompilers}), then run
	 * one full GC. Without it, the first young collections after the opening copied the
	 * 40–50 MB of stream state just opened (and the streams of the phase before, now
	 * garbage, filled the old generation): pauses of 240–350 ms (once 1.1 s) that landed
	 * in whichever phase came first and set its p99, a one-off cost of opening 1,000
	 * streams at once. Young pauses with the streams open stay in the recording.
	 * @return what it took
	 */
	private static String settle(Target target) throws Exception {
		TargetProcess process = target.requireProcess();
		JitCompilers compilers = new JitCompilers(process).awaitQuiet(Duration.ofSeconds(30));
		long start = System.nanoTime();
		process.fullGc();
		return format("%s, then a full GC (%.0f ms)", compilers.describe(), (System.nanoTime() - start) / 1e6);
	}

	// (5) Faults

	void faults() throws Exception {
		int count = this.settings.faultStreams();
		int total = this.settings.faultTotal();
		int every = this.settings.faultEvery();
		System.out.printf(
				"%n(5) %d streams of %,d events at %d/s, the upstream dropping the connection every %d"
						+ " events (and resuming after Last-Event-ID)%n",
				count, total, this.settings.faultRate(), every);
		String row = format("upstream drops every %d events: streams delivered exactly once", every);
		for (Target target : this.targets.values()) {
			if (target.process() == null) {
				continue;
			}
			try (StreamClient.Streams streams = this.client.streams(count)) {
				for (int i = 0; i < count; i++) {
					streams.open(target.streamUrl(format("/drop?size=256&rate=%d&every=%d&total=%d",
							this.settings.faultRate(), every, total)));
				}
				streams.awaitEnd(Duration.ofSeconds(30 + 2L * total / this.settings.faultRate()));
				long exactlyOnce = streams.readers()
					.stream()
					.filter((reader) -> reader.hasEnded() && reader.first() == 1 && reader.events() == total
							&& reader.lost() == 0 && reader.duplicated() == 0)
					.count();
				String detail = format("%d/%d", exactlyOnce, count);
				if (exactlyOnce < count) {
					detail += format(" (%,d of %,d events, %,d duplicated)", streams.events(), (long) total * count,
							streams.duplicated());
				}
				System.out.printf("%-10s %s%n", target.column(), detail);
				this.report.cell(row, target.column(),
						target.column().equals("sentinel") ? "**" + detail + "**" : detail);
				if (target.column().equals("sentinel")) {
					this.report.target("(5) streams delivered exactly once through Sentinel",
							format("%d/%d", exactlyOnce, count), format("%d/%d", count, count), exactlyOnce == count);
				}
			}
		}
	}

	private static double allocatedPerEvent(long[] totals) {
		return (totals[2] < 0 || totals[1] == 0) ? -1 : (double) totals[2] / totals[1];
	}

	private static void check(Target target, List<StreamReader> readers) {
		for (StreamReader reader : readers) {
			if (reader.lost() > 0 || reader.duplicated() > 0) {
				System.out.printf("!! a stream through %s lost %d and duplicated %d events%n", target.column(),
						reader.lost(), reader.duplicated());
			}
		}
	}

}
