package io.httpsentinel.benchmarks.whole;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.benchmarks.LoadMachine;
import io.httpsentinel.benchmarks.sse.BenchUpstream;

/**
 * The whole-application benchmark: a Sentinel application as a user writes it from the
 * README ({@code sentinel-benchmarks-app}: {@code SseProxy.forward} on {@code /sse} with
 * resume on, {@code /json} through the client's {@code WebClient}) measured in the same
 * run as its peers, every figure reported next to theirs and as a ratio to them:
 * <ul>
 * <li>the same app's in-process baselines, what a user writes without Sentinel:
 * {@code /relay} relays the upstream's bytes through a plain {@code WebClient},
 * {@code /plain-json} makes the JSON call through it;</li>
 * <li>Spring Cloud Gateway 5.0 (server-webflux, {@code sentinel-benchmarks-gateway}: one
 * route, defaults);</li>
 * <li>nginx ({@code /usr/sbin/nginx}, skipped with a message when absent), started with a
 * generated configuration: one worker, {@code proxy_buffering off}, HTTP/1.1 keep-alive
 * to the upstream, no access log;</li>
 * <li>the upstream directly (latency only).</li>
 * </ul>
 * Each target is a process of its own pinned to CPU 0 ({@code taskset -c 0}; the JVMs run
 * the jars with {@code -Xms1g -Xmx1g}, so on one CPU with the serial collector), this
 * driver, the upstream ({@link BenchUpstream}, a Reactor Netty server in this JVM) and
 * the load generators pinned to CPU 1. CPU is the target's user + system time from
 * {@code /proc/<pid>/stat} (nginx: master and worker), memory its live heap (the total of
 * a heap histogram, {@code jcmd GC.class_histogram}, the smallest of four in a row) or,
 * for nginx, its resident set. Every event carries a sequence number and the
 * {@code System.nanoTime()} at which the upstream made it, so lost and duplicated events
 * are counted and latencies measured in one clock. The loads:
 * <ol>
 * <li>one stream at the highest rate TCP allows, 1 KiB events: CPU µs per event and
 * events/s, in rounds whose order alternates; the median of each target's rounds and of
 * the rounds' ratios;</li>
 * <li>1,000 streams of 10 events/s of 256 B: CPU µs per event, latency (event made →
 * received) p50 / p99 and the p99 each hop adds over a direct connection, in two phases
 * per target (forwards, then backwards), each recorded once a JVM target is over the
 * opening (its JIT compilers quiet, then one full GC);</li>
 * <li>5,000 idle streams (one event every 5 s each), all opened at once: time from each
 * stream's connection (established) to its response headers (p50, max; the upstream sends
 * its headers at once; the in-app relay, like any WebFlux body, holds them until its
 * first event), CPU while they are open (share of a core over 20 s, once the JIT
 * compilers are done with what the opening made hot), live heap per stream (with the
 * streams open minus before opening them, checked against the heap after closing them;
 * nginx: resident memory with them open minus before);</li>
 * <li>request/response, 256 B JSON with 64 keep-alive connections ({@code wrk -t1 -c64},
 * or an in-JVM Reactor Netty client without wrk): after a warm-up (60 s per JVM endpoint,
 * then on until the JIT compilers are quiet, at most 180 s), 10 rounds of 5 s, Sentinel's
 * {@code /json} and {@code /plain-json} back to back (ABBA): req/s, CPU µs per request,
 * the lowest round over the median;</li>
 * <li>faults: 20 streams whose upstream drops the connection every 500 events (and
 * continues after {@code Last-Event-ID} on a new request): streams that received every
 * event 1..2,000 exactly once and in order.</li>
 * </ol>
 * It prints one {@code TARGET [whole-app] name: value (target ...): MET|MISSED} line per
 * target of issue 12 and, at the end, a Markdown table of the loads against the targets.
 * <p>
 * Build with {@code ./mvnw -Pbenchmarks -pl
 * sentinel-benchmarks-app,sentinel-benchmarks-gateway,sentinel-benchmarks -am package
 * -DskipTests} and run from the repository's root with {@code java -cp
 * sentinel-benchmarks/target/benchmarks.jar
 * io.httpsentinel.benchmarks.whole.WholeAppBenchmark}; system properties:
 * {@code -Dquick=true} (small and short, a few minutes),
 * {@code -Dloads=throughput,streams,idle,requests,faults},
 * {@code -Dtargets=sentinel,gateway,nginx} ({@code sentinel} includes the in-app
 * baselines), {@code -Dstreams=1000}, {@code -Didle=5000}, {@code -DidleSeconds=20},
 * {@code -DopeningRounds=80} (the idle load's opening warm-up, at most),
 * {@code -Dseconds=5} (a throughput round, half a streams phase),
 * {@code -DthroughputRounds=5}, {@code -Drounds=10} and {@code -DrequestSeconds=5}
 * (request/response rounds), {@code -Dwarmup=60} and {@code -DwarmupMax=180},
 * {@code -Dconnections=64}, {@code -DfaultStreams=20}, {@code -DfaultTotal=2000},
 * {@code -DfaultEvery=500}, {@code -DfaultRate=200}, {@code -DappJvmOptions=...} (more
 * options of the JVM targets), {@code -Djfr=app.jfr} (a flight recording per JVM target),
 * {@code -Dhistogram=true} (heap histograms with the idle streams open),
 * {@code -Dpin=false}, {@code -DappJar=...}, {@code -DgatewayJar=...}.
 */
public final class WholeAppBenchmark {

	private WholeAppBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int cores = Runtime.getRuntime().availableProcessors();
		boolean canPin = cores >= 2 && new File("/usr/bin/taskset").canExecute();
		Settings settings = Settings.fromSystemProperties(canPin);
		if (settings.pin()) {
			LoadMachine.pinThisProcessTo(1);
		}
		long start = System.nanoTime();
		String loadBefore = LoadMachine.loadAverage();
		System.out.printf(Locale.ROOT, "Whole-application benchmark: loads %s, targets %s; %s; load average: %s%n",
				settings.loads(), settings.targets(), settings.pin()
						? "targets pinned to CPU 0, driver, upstream and load generators to CPU 1" : "not pinned",
				loadBefore);
		checkOpenFiles(settings);
		List<AutoCloseable> started = new ArrayList<>();
		try (BenchUpstream upstream = new BenchUpstream(); StreamClient client = new StreamClient(upstream)) {
			try {
				Map<String, Target> targets = startTargets(settings, upstream, started);
				Report report = new Report(settings.relayPath());
				StreamLoads streams = new StreamLoads(settings, targets, client, report);
				load(settings, "throughput", streams::throughput);
				load(settings, "streams", streams::streams);
				load(settings, "idle", () -> new IdleLoad(settings, targets, client, report).run());
				load(settings, "requests", () -> new RequestLoad(settings, targets, report).run());
				load(settings, "faults", streams::faults);
				report.print(String.format(Locale.ROOT, "same run, %d cores, load average %s", cores,
						LoadMachine.loadAverage().replaceFirst(" \\S+ \\S+$", "")));
			}
			finally {
				Collections.reverse(started);
				for (AutoCloseable process : started) {
					process.close();
				}
			}
		}
		System.out.printf(Locale.ROOT, "took %.1f min; load average before: %s, after: %s%n",
				(System.nanoTime() - start) / 60e9, loadBefore, LoadMachine.loadAverage());
		System.exit(0);
	}

	private static Map<String, Target> startTargets(Settings settings, BenchUpstream upstream,
			List<AutoCloseable> started) throws Exception {
		Peers peers = new Peers(upstream.port(), settings.pin(), settings.jvmOptions(), settings.jfr());
		Map<String, Target> targets = new LinkedHashMap<>();
		targets.put("direct", new Target("direct", null, upstream.port(), "", "/json"));
		if (settings.targets().contains("nginx")) {
			if (Peers.nginxInstalled()) {
				Peers.NginxProcess nginx = peers.nginx();
				started.add(nginx);
				targets.put("nginx", new Target("nginx", nginx.process(), nginx.process().port(), "", "/json"));
			}
			else {
				System.out.println("!! nginx is not installed (apt-get install nginx): no nginx column");
			}
		}
		if (settings.targets().contains("gateway")) {
			Path jar = jar("gatewayJar", "sentinel-benchmarks-gateway");
			if (jar != null) {
				TargetProcess gateway = peers.gateway(jar);
				started.add(gateway);
				targets.put("gateway", new Target("gateway", gateway, gateway.port(), "", "/json"));
			}
		}
		if (settings.targets().contains("sentinel")) {
			Path jar = jar("appJar", "sentinel-benchmarks-app");
			if (jar != null) {
				TargetProcess app = peers.sentinelApp(jar);
				started.add(app);
				targets.put("relay", new Target("relay", app, app.port(), settings.relayPath(), "/plain-json"));
				targets.put("sentinel", new Target("sentinel", app, app.port(), "/sse", "/json"));
			}
		}
		System.out.printf(Locale.ROOT, "targets: %s; JVM options: -Xms1g -Xmx1g %s%s%n", targets.keySet(),
				settings.jvmOptions(),
				settings.relayPath().equals("/relay") ? "" : "; the relay column is " + settings.relayPath());
		return targets;
	}

	private static @Nullable Path jar(String property, String module) {
		Path jar = Paths.get(System.getProperty(property, module + "/target/" + module + ".jar"));
		if (Files.isRegularFile(jar)) {
			return jar;
		}
		System.out.println("!! " + jar + " is missing (build it: ./mvnw -Pbenchmarks -pl " + module
				+ " -am package -DskipTests; or -D" + property + "=...): no " + module + " column");
		return null;
	}

	@FunctionalInterface
	private interface Load {

		void run() throws Exception;

	}

	/**
	 * Run a load if asked; a failure is reported and the other loads still run.
	 */
	private static void load(Settings settings, String name, Load load) {
		if (!settings.loads().contains(name)) {
			return;
		}
		long start = System.nanoTime();
		try {
			load.run();
		}
		catch (Exception ex) {
			System.out.println("!! load " + name + " failed: " + ex);
			ex.printStackTrace(System.out);
		}
		System.out.printf(Locale.ROOT, "[%s took %.0f s; load average %s]%n", name, (System.nanoTime() - start) / 1e9,
				LoadMachine.loadAverage());
	}

	private static void checkOpenFiles(Settings settings) {
		try {
			for (String line : Files.readAllLines(Paths.get("/proc/self/limits"))) {
				if (line.startsWith("Max open files")) {
					String limit = line.substring(26).trim().split("\\s+")[0];
					long needed = 2L * Math.max(settings.idle(), settings.streams()) + 1000;
					if (!limit.equals("unlimited") && Long.parseLong(limit) < needed) {
						System.out
							.printf(Locale.ROOT,
									"!! ulimit -n is %s, the streams need about %,d open files here and in each"
											+ " target: raise it (ulimit -n) or lower -Didle / -Dstreams%n",
									limit, needed);
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Not Linux.
		}
	}

}
